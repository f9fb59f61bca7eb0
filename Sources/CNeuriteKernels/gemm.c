/*
 * GEMM driver: argument handling, per-thread packing buffers, the
 * Goto/BLIS blocked loop nest, shape dispatch and the split across threads.
 * The ISA-specific work (packing, micro-kernel, epilogue, small-M path) is
 * behind the nk_kernel table chosen in cpu_features.c.
 */
#include "NeuriteKernels.h"
#include "gemm_internal.h"
#include "pool_clock.h"
#include <pthread.h>
#include <stdlib.h>

/* Each task gets at least this many multiply-adds (M*N*K / tasks), so work
 * below 2× this stays on the calling thread with no synchronisation.
 * Measured on a 2-core Zen 4 with the pool warm: splitting already wins at
 * 48³ (2.0 vs 3.0 µs) and for 1×784·784×128 (3.3 vs 5.8 µs); 40k MACs is
 * ~1.3 µs of work per task, well above the ~0.3 µs hand-off. If the worker
 * is asleep or busy the caller simply takes all tasks itself. */
#ifndef NK_PARALLEL_MIN_WORK
#define NK_PARALLEL_MIN_WORK 40000L
#endif
/* An inner dimension this short makes a product mostly the writing of C
 * (see nk_gemm_dispatch). */
#define NK_SHORT_K 32L

/* ---- per-thread buffers (grown on demand, freed at thread exit) ----------
 * 0 and 1: packed A and B; 2: the K split's partial sums (nk_gemm_split). */

typedef struct { float *p[3]; size_t cap[3]; } nk_bufs;
static pthread_key_t buf_key;
static pthread_once_t buf_once = PTHREAD_ONCE_INIT;

static void nk_free_bufs(void *v)
{
    nk_bufs *b = v;
    for (int i = 0; i < 3; i++) free(b->p[i]);
    free(b);
}

static void nk_make_key(void) { pthread_key_create(&buf_key, nk_free_bufs); }

float *nk_thread_buffer(int which, size_t floats)
{
    pthread_once(&buf_once, nk_make_key);
    nk_bufs *b = pthread_getspecific(buf_key);
    if (!b) {
        if (!(b = calloc(1, sizeof *b))) return NULL;
        pthread_setspecific(buf_key, b);
    }
    if (b->cap[which] < floats) {
        void *p = NULL;
        free(b->p[which]);
        /* 64-byte aligned: whole cache lines, aligned vector loads. */
        if (posix_memalign(&p, 64, (floats + NK_PACK_SLACK) * sizeof(float)))
            p = NULL;
        b->p[which] = p;
        b->cap[which] = p ? floats : 0;
    }
    return b->p[which];
}

/* ---- serial paths -------------------------------------------------------- */

static long nk_min(long a, long b) { return a < b ? a : b; }
static long nk_round_up(long x, long m) { return (x + m - 1) / m * m; }

static void nk_epilogue_rows(const nk_kernel *kr, const nk_gemm_args *g)
{
    if (!g->bias && g->act == NK_ACT_NONE) return;
    for (long i = 0; i < g->M; i++)
        kr->epilogue_row(g->C + i * g->ldc, g->N, g->bias, g->act);
}

/* Last resort if a packing buffer cannot be allocated: plain loops. */
static void nk_gemm_naive(const nk_gemm_args *g)
{
    for (long i = 0; i < g->M; i++)
        for (long j = 0; j < g->N; j++) {
            float s = 0.0f;
            for (long k = 0; k < g->K; k++)
                s += (g->ta ? g->A[k * g->lda + i] : g->A[i * g->lda + k]) *
                     (g->tb ? g->B[j * g->ldb + k] : g->B[k * g->ldb + j]);
            float *c = g->C + i * g->ldc + j;
            *c = g->beta == 0.0f ? g->alpha * s : g->alpha * s + g->beta * *c;
        }
}

/* The last K block's tile of a product with an SGD update (gemm_sgd.c):
 * the family's fused micro-kernel, or the tile stored and then updated from
 * C while it is in L1. Returns 1 when every weight written is finite. */
static int nk_tile_sgd(const nk_kernel *kr, long kc, const float *a, const float *b, float *c, long ldc,
                       int m, int n, float alpha, float beta, const nk_sgd_fusion *update)
{
    if (!kr->micro_sgd) {
        kr->micro(kc, a, b, c, ldc, m, n, alpha, beta);
        return nk_sgd_fusion_block(update, c, ldc, m, n);
    }
    long offset = c - update->C;
    return kr->micro_sgd(kc, a, b, c, ldc, m, n, alpha, beta, update->weight + offset,
                         update->velocity ? update->velocity + offset : NULL, &update->step);
}

static void nk_gemm_packed(const nk_kernel *kr, const nk_gemm_args *g)
{
    const long M = g->M, N = g->N, K = g->K, MR = kr->mr, NR = kr->nr;
    /* Split K and M into equal blocks no larger than kc/mc, so e.g. K=784
     * becomes 4×196 rather than 3×256 + a short, inefficient 16. */
    long kb = (K + kr->kc - 1) / kr->kc, mb = (M + kr->mc - 1) / kr->mc;
    long KC = (K + kb - 1) / kb;
    long MC = nk_round_up((M + mb - 1) / mb, MR);
    long NC = nk_min(kr->nc, nk_round_up(N, NR));
    float *pa = nk_thread_buffer(0, (size_t)(MC * KC));
    float *pb = nk_thread_buffer(1, (size_t)(NC * KC));
    if (!pa || !pb) {
        nk_gemm_naive(g);
        nk_epilogue_rows(kr, g);
        if (g->update) nk_sgd_fusion_rows(g);
        return;
    }
    const int epi = g->bias != NULL || g->act != NK_ACT_NONE;
    nk_sgd_fusion *update = g->update;
    int finite = 1;

    for (long jc = 0; jc < N; jc += NC) {
        long nc = nk_min(NC, N - jc);
        for (long pc = 0; pc < K; pc += KC) {
            long kc = nk_min(KC, K - pc);
            float beta = pc == 0 ? g->beta : 1.0f;  /* later blocks accumulate */
            int last = pc + kc >= K;
            kr->pack_b(g->tb, kc, nc,
                       g->tb ? g->B + jc * g->ldb + pc : g->B + pc * g->ldb + jc,
                       g->ldb, pb);
            for (long ic = 0; ic < M; ic += MC) {
                long mc = nk_min(MC, M - ic);
                kr->pack_a(g->ta, mc, kc,
                           g->ta ? g->A + pc * g->lda + ic : g->A + ic * g->lda + pc,
                           g->lda, pa);
                /* jr outer: one kc×NR B panel stays in L1 while the MC×KC
                 * block of A streams from L2. */
                for (long jr = 0; jr < nc; jr += NR) {
                    int n = (int)nk_min(NR, nc - jr);
                    for (long ir = 0; ir < mc; ir += MR) {
                        int m = (int)nk_min(MR, mc - ir);
                        float *c = g->C + (ic + ir) * g->ldc + jc + jr;
                        if (last && update) {
                            finite &= nk_tile_sgd(kr, kc, pa + ir * kc, pb + jr * kc, c, g->ldc,
                                                  m, n, g->alpha, beta, update);
                            continue;
                        }
                        kr->micro(kc, pa + ir * kc, pb + jr * kc, c, g->ldc,
                                  m, n, g->alpha, beta);
                        if (last && epi)   /* tile is still in L1 */
                            for (int i = 0; i < m; i++)
                                kr->epilogue_row(c + i * g->ldc, n,
                                                 g->bias ? g->bias + jc + jr : NULL,
                                                 g->act);
                    }
                }
            }
        }
    }
    if (!finite) nk_sgd_fusion_report_nonfinite(update);
}

/* The tall path (gemm_avx512_tall.c) where its tiles keep B in L2 and a row
 * group of A in L1: K <= NK_TALL_MAX_K (8 rows of A in 32 KiB), K·N floats
 * below NK_TALL_MAX_B (1/4 of a 2 MiB L2; strictly below: a 512³ product
 * split in two column halves is a 512×256 B, exactly that size, and ran
 * ~1.5× slower tall than packed), and at least NK_TALL_MIN_M rows in this
 * block (a thread's share); few columns (N <= the family's small_max_n)
 * only from NK_TALL_NARROW_MIN_M rows, below which the small path takes them.
 *
 * WHY from 16 rows: with B warm in L2, as a dense layer's weights are from
 * one training step to the next, the packed path's copy of B costs more
 * than its L1-resident B panel saves. One thread of the 2-core Sapphire
 * Rapids VM, packed against tall alternated in one process (µs): the batch-64
 * forward half 64×392·392×128 (one K slice) 49–59 against 38–47; all of K,
 * 64×784·784×128, 102–106 against 80–95; 16 rows 17–20 against 10–12;
 * LeNet-5's 64×400·400×120 52–58 against 47–57. In the batch-64 training
 * step (passes alternated in one process, median of 40 pairs, three runs)
 * 1.03–1.04× the speed; on one thread 1.13×. */
#define NK_TALL_MAX_K 1024L
#define NK_TALL_MAX_B (128L * 1024L)
#define NK_TALL_MIN_M 16L
#define NK_TALL_NARROW_MIN_M 128L

static int nk_use_tall(const nk_kernel *kr, const nk_gemm_args *g)
{
    long min_m = g->N <= kr->small_max_n ? NK_TALL_NARROW_MIN_M : NK_TALL_MIN_M;
    return kr->tall && !g->ta && !g->tb && g->M >= min_m &&
           g->K <= NK_TALL_MAX_K && g->K * g->N < NK_TALL_MAX_B;
}

/* The packing-free path: tiny M, or (where the family says) few columns,
 * unless the tall path takes the product. */
static int nk_use_small(const nk_kernel *kr, const nk_gemm_args *g)
{
    return kr->small && !(g->ta && g->tb) &&
           (g->M <= kr->small_max_m || (g->N <= kr->small_max_n && !g->tb && !nk_use_tall(kr, g)));
}

/* The three paths round differently (the packed path adds K in blocks of
 * kc, the tall one in one chain), so a job that may cut its blocks anywhere
 * picks one path for all of them (see nk_balanced_cut). */
enum { NK_PATH_SMALL, NK_PATH_TALL, NK_PATH_PACKED };

static int nk_block_path(const nk_kernel *kr, const nk_gemm_args *g)
{
    return nk_use_small(kr, g) ? NK_PATH_SMALL : nk_use_tall(kr, g) ? NK_PATH_TALL : NK_PATH_PACKED;
}

static void nk_gemm_block_on(const nk_kernel *kr, const nk_gemm_args *g, int path)
{
    if (g->M <= 0 || g->N <= 0) return;
    if (path == NK_PATH_SMALL) {
        kr->small(g);
        nk_epilogue_rows(kr, g);
        if (g->update) nk_sgd_fusion_rows(g);
    } else if (path == NK_PATH_TALL) {
        kr->tall(g);
        if (g->update) nk_sgd_fusion_rows(g);
    } else {
        nk_gemm_packed(kr, g);
    }
}

static void nk_gemm_block(const nk_kernel *kr, const nk_gemm_args *g)
{
    nk_gemm_block_on(kr, g, nk_block_path(kr, g));
}

/* ---- parallel split ------------------------------------------------------
 * A job is `slices` slices of K (1 unless the K split below applies), each
 * cut into a pm×pn grid of blocks of C, one task per block. With one slice
 * each task writes its block of C and applies the bias and activation while
 * the tile is in L1; with more, slice 0 goes straight into C, the others into
 * partials that the caller then adds to C in slice order before the
 * epilogue. */

typedef struct {
    const nk_kernel *kr;
    const nk_gemm_args *g;
    long kstep, mstep, nstep;   /* inner length / rows / columns per task */
    int slices, pm, pn;
    float *partials;            /* (slices - 1) × M×N, row-major with ld = N */
    /* A balanced job (nk_balanced_cut): two tasks, the second starting at
     * row or column `cut` instead of mstep/nstep, all on path `path`, each
     * timed, and whether a worker ran the second (the caller always runs the
     * first: see "WHY the caller runs task 0" in thread_pool.c). */
    int balanced, path;
    long cut;
    long long ticks[2];
    int second_on_worker;
} nk_split;

static void nk_task(void *ctx, int t)
{
    nk_split *s = ctx;
    nk_gemm_args sub = *s->g;
    int slice = t / (s->pm * s->pn), cell = t % (s->pm * s->pn);
    long k0 = slice * s->kstep;
    long m0 = (cell / s->pn) * s->mstep, n0 = (cell % s->pn) * s->nstep;
    long mlen = s->mstep, nlen = s->nstep;
    if (s->balanced && s->pm == 2) { m0 = cell ? s->cut : 0; mlen = cell ? sub.M - s->cut : s->cut; }
    if (s->balanced && s->pn == 2) { n0 = cell ? s->cut : 0; nlen = cell ? sub.N - s->cut : s->cut; }
    if (m0 >= sub.M || n0 >= sub.N) return;
    sub.K = nk_min(s->kstep, sub.K - k0);
    sub.M = nk_min(mlen, sub.M - m0);
    sub.N = nk_min(nlen, sub.N - n0);
    sub.A += sub.ta ? k0 * sub.lda + m0 : m0 * sub.lda + k0;
    sub.B += sub.tb ? n0 * sub.ldb + k0 : k0 * sub.ldb + n0;
    if (slice > 0) {
        sub.C = s->partials + (slice - 1) * s->g->M * s->g->N;
        sub.ldc = s->g->N;
        sub.beta = 0.0f;
    }
    sub.C += m0 * sub.ldc + n0;
    if (s->slices > 1) {          /* applied once the partials are added */
        sub.bias = NULL;
        sub.act = NK_ACT_NONE;
        sub.update = NULL;
    } else if (sub.bias) {
        sub.bias += n0;
    }
    if (!s->balanced) {
        nk_gemm_block(s->kr, &sub);
        return;
    }
    long long start = nk_ticks();
    nk_gemm_block_on(s->kr, &sub, s->path);
    s->ticks[cell] = nk_ticks() - start;
    if (cell == 1) s->second_on_worker = nk_on_worker_thread();
}

/* The sum of the slices, C += partial 1 + partial 2 + … in slice order, and
 * the epilogue, row by row while the row is in L1; a task takes a block of
 * rows. */
typedef struct {
    const nk_kernel *kr;
    const nk_gemm_args *g;
    const float *partials;
    int slices;
    long rows;                  /* per task */
} nk_reduction;

static void nk_reduce_task(void *ctx, int t)
{
    const nk_reduction *r = ctx;
    const nk_gemm_args *g = r->g;
    const size_t plane = (size_t)(g->M * g->N);
    const int epi = g->bias != NULL || g->act != NK_ACT_NONE;
    for (long i = t * r->rows; i < nk_min(g->M, (t + 1) * r->rows); i++) {
        float *c = g->C + i * g->ldc;
        for (int slice = 1; slice < r->slices; slice++) {
            const float *p = r->partials + (size_t)(slice - 1) * plane + i * g->N;
            for (long j = 0; j < g->N; j++) c[j] += p[j];
        }
        if (epi) r->kr->epilogue_row(c, g->N, g->bias, g->act);
        if (g->update && !nk_sgd_fusion_block(g->update, c, g->ldc, 1, g->N))
            nk_sgd_fusion_report_nonfinite(g->update);
    }
}

/* Below this many floats of partials the sum runs on the caller: a second
 * hand-off costs more than it saves. */
#define NK_REDUCE_SPLIT_MIN 16384L

/* A job of `slices` slices of K, each a pm×pn grid of blocks of whole
 * micro-tiles, the blocks as even as the tiles allow. */
static nk_split nk_split_of(const nk_kernel *kr, const nk_gemm_args *g, long kstep, int slices,
                            int pm, int pn, float *partials)
{
    nk_split s = { kr, g, kstep, nk_round_up((g->M + pm - 1) / pm, kr->mr),
                   nk_round_up((g->N + pn - 1) / pn, kr->nr), slices, pm, pn, partials };
    return s;
}

/* ---- balanced cut ---------------------------------------------------------
 * A large product split in two blocks of rows or columns is cut where the
 * measured speeds of the caller and the worker say both finish together
 * (split_balance.c), in whole micro-tiles. The blocks' arithmetic must not
 * depend on the cut, or results would change with the host's mood: each
 * element is one chain over K on any path, but the paths differ from each
 * other, so the cut applies only where both even halves take the same path,
 * and every block then takes it.
 *
 * WHY from 8M multiply-adds: each task then runs for over 50 µs, long enough
 * for its time to measure its thread's speed and not the hand-off; smaller
 * products (the batch-64 step's) are split to keep each core's half of the
 * weights in its cache (see "WHY the caller runs task 0" in thread_pool.c),
 * which a moving cut would blur. */
#define NK_BALANCE_MIN_WORK 8000000.0

/* What a task of ms×ns costs, × K: its multiply-adds, and its packing at
 * about 6 multiply-adds per element (see nk_choose_grid). */
static double nk_task_cost(long ms, long ns) { return (double)ms * ns + 6.0 * (ms + ns); }

/* Cuts a two-task job (slices == 1, pm·pn == 2) so that the caller's block
 * holds about `share` of the rows or columns; returns 0, leaving the job as
 * it was, where the even halves take different paths or there is only one
 * micro-tile. */
static int nk_cut(nk_split *s, double share)
{
    const nk_gemm_args *g = s->g;
    int rows = s->pm == 2;
    long length = rows ? g->M : g->N, tile = rows ? s->kr->mr : s->kr->nr;
    long even = rows ? s->mstep : s->nstep;
    if (even >= length) return 0;
    nk_gemm_args half = *g;
    if (rows) half.M = even; else half.N = even;
    int path = nk_block_path(s->kr, &half);
    if (rows) half.M = length - even; else half.N = length - even;
    if (nk_block_path(s->kr, &half) != path) return 0;
    long tiles = (length + tile - 1) / tile;
    long first = (long)(share * tiles + 0.5);
    if (first < 1) first = 1;
    if (first > tiles - 1) first = tiles - 1;
    s->balanced = 1;
    s->path = path;
    s->cut = first * tile;
    return 1;
}

static void nk_balanced_cut(nk_split *s)
{
    const nk_gemm_args *g = s->g;
    if (s->slices == 1 && s->pm * s->pn == 2 && (double)g->M * g->N * g->K >= NK_BALANCE_MIN_WORK)
        nk_cut(s, nk_split_caller_share());
}

/* After a balanced job: what each thread's time per unit of work was. */
static void nk_record_balance(const nk_split *s)
{
    if (!s->second_on_worker) return;   /* the caller ran both */
    const nk_gemm_args *g = s->g;
    long length = s->pm == 2 ? g->M : g->N, other = s->pm == 2 ? g->N : g->M;
    nk_split_balance_record(s->ticks[0] / nk_task_cost(s->cut, other),
                            s->ticks[1] / nk_task_cost(length - s->cut, other));
}

/* A job below this many multiply-adds does not wait for the calling thread's
 * background job (the next batch's gather, BackgroundWork.swift): it runs on
 * the caller alone meanwhile (nk_pool_run_small). WHY: a split job first
 * finishes the background job, so the caller copied the rest of the batch
 * itself instead of computing. At batch 256 the gather (800 KB from memory,
 * about 100 µs of one core) ended at the output layer's first product of the
 * backward; the products that follow it (256×128 over K = 10, 128×10 over
 * K = 256) take about 15 µs each on one thread, time the worker now spends on
 * the gather. */
#define NK_BACKGROUND_SMALL_WORK 1000000.0

static void nk_run_tasks(int ntasks, nk_task_fn fn, void *ctx, double work)
{
    if (work < NK_BACKGROUND_SMALL_WORK) nk_pool_run_small(ntasks, fn, ctx);
    else nk_pool_run(ntasks, fn, ctx);
}

/* Runs the job; returns 0 (nothing done) when the partials cannot be
 * allocated (never with one slice). The partials are the calling thread's
 * buffer 2, kept from call to call (no allocation per training step): the
 * tasks it runs meanwhile (nk_task, nk_reduce_task) never split again. */
static int nk_gemm_split(const nk_kernel *kr, const nk_gemm_args *g, int slices, int pm, int pn)
{
    long kstep = (g->K + slices - 1) / slices;
    slices = (int)((g->K + kstep - 1) / kstep);
    size_t plane = (size_t)(g->M * g->N);
    float *partials = slices > 1 ? nk_thread_buffer(2, plane * (size_t)(slices - 1)) : NULL;
    if (slices > 1 && !partials) return 0;
    nk_split s = nk_split_of(kr, g, kstep, slices, pm, pn, partials);
    nk_balanced_cut(&s);
    double work = (double)g->M * g->N * g->K;
    nk_run_tasks(slices * pm * pn, nk_task, &s, work);
    if (s.balanced) nk_record_balance(&s);
    if (slices == 1) return 1;
    /* WHY split the sum: each slice's partial is in the cache of the core
     * that computed it, and the caller alone read them all and applied the
     * epilogue (at batch 256 × 128 outputs, 20 µs of a 600 µs training step
     * with the other core idle). */
    int tasks = (double)plane * (slices - 1) >= NK_REDUCE_SPLIT_MIN ? nk_thread_count() : 1;
    if (tasks > g->M) tasks = (int)g->M;
    nk_reduction r = { kr, g, partials, slices, (g->M + tasks - 1) / tasks };
    if (tasks > 1) nk_run_tasks(tasks, nk_reduce_task, &r, work);
    else nk_reduce_task(&r, 0);
    return 1;
}

/* Pick the pm×pn task grid with the shortest critical path. A task of
 * ms×ns (rounded to micro-tiles) costs ms*ns*K multiply-adds plus packing
 * (ms+ns)*K elements; one packed element costs about as much as 6
 * multiply-adds. Uses at most p tasks, each at least one micro-tile in
 * each split dimension; the small path for tiny M only splits N. */
static void nk_choose_grid(const nk_kernel *kr, const nk_gemm_args *g, int p,
                           int *pm, int *pn)
{
    int small = nk_use_small(kr, g);
    double best = -1;
    *pm = *pn = 1;
    for (int a = 1; a <= p; a++)
    for (int b = 1; a * b <= p; b++) {
        if (a > 1 && ((small && g->M <= kr->small_max_m) || g->M / a < kr->mr)) continue;
        if (b > 1 && g->N / b < kr->nr) continue;
        double cost = nk_task_cost(nk_round_up((g->M + a - 1) / a, small ? 1 : kr->mr),
                                   nk_round_up((g->N + b - 1) / b, kr->nr));
        if (best < 0 || cost < best) { best = cost; *pm = a; *pn = b; }
    }
}

/* ---- K split ------------------------------------------------------------
 * Each task computes alpha·op(A)op(B) over one slice of K (nk_gemm_split,
 * above), and the partials are added in slice order. Two uses:
 *
 * WHY for a tiny output (nk_gemm_dispatch, p slices): a convolution's weight
 * gradient dW = dZ·colsᵀ has a tiny output and a huge inner dimension (LeNet
 * conv1: 6×25 outputs, K = 64·28·28 = 50176). Neither M nor N is wide enough
 * for two tasks, so the M×N grid left it on one core (358 µs). Split by K it
 * took 176 µs (2 threads, Zen 3). The result depends on the thread count but
 * not on which thread ran which slice, so runs stay reproducible.
 *
 * WHY for a small output next to a large B (nk_weight_slices, 2 slices): a
 * small batch times a dense layer's weights (64×784 · 784×128) split over N
 * gave each thread a column half of the weights: 256-byte pieces of every
 * row, interleaved with the other thread's, while the weight gradient and the
 * optimizer's update split the same matrix by rows. So every step moved most
 * of the 401 KB of weights, velocity and gradient between the cores' caches
 * (the L2 prefetchers also pull the other thread's pieces of each row), at
 * about 20 GB/s on a 2-core VM. Split by K, the forward product takes the
 * same contiguous half of the weight rows as the weight gradient (split by
 * M) and the update (split by halves), and each half stays in one core's L2;
 * the caller runs task 0 (thread_pool.c), so the assignment is the same in
 * every job. The cost is one M×N partial, small next to K×N by the
 * conditions below. In a C emulation of that step on 2 threads, the forward
 * product went from 124–142 µs on one thread to 77–88 µs split by K, and the
 * whole step from about 160k to 226–260k samples/s. The slices depend on the
 * shape only, so results do not depend on the number of threads.
 *
 * The same holds at batch 256 (an output a third of B): split over M, each
 * thread read all the weights, so the optimizer's writes had to take every
 * line back from the other core, and the update of the 784×128 weights took
 * 54 µs instead of 13 µs split by K (traced inside a training step). The
 * partial there is 128 KB, summed by both threads (nk_reduce_task). */

/* Each slice of K is at least this long, so the partial sums (M·N floats per
 * slice, added once) stay negligible next to the M·N·K/p multiply-adds. */
#ifndef NK_KSPLIT_MIN_K
#define NK_KSPLIT_MIN_K 512L
#endif
/* The shape-fixed split: K at least 2× this, an output at most half of B
 * and at most this many floats (a partial that stays in L2; the 784-512-512
 * MLP's 128×512 outputs, twice that, ran 4–7% slower split by K). */
#define NK_SLICE_MIN_K 256L
#define NK_SLICE_MAX_OUTPUT (32L * 1024L)
/* Up to this many rows, a product splits K across the threads (see "WHY a
 * row or two" in nk_gemm_dispatch). */
#define NK_KSPLIT_MAX_M 2L

/* 2 when the shape takes the shape-fixed K split (see "WHY for a small
 * output next to a large B"), else 1. Not below two rows of micro-tiles: a
 * batch of a few rows streams B once and is bound by reading it, and there
 * the partial's extra pass costs more than it saves (batch-1 inference of
 * the 784-128-10 MLP on one thread ran about 7% slower split). */
static int nk_weight_slices(const nk_kernel *kr, const nk_gemm_args *g, double work)
{
    return g->M >= 2 * kr->mr && work >= 2.0 * NK_PARALLEL_MIN_WORK && g->K >= 2 * NK_SLICE_MIN_K &&
           2 * g->M <= g->K && g->M * g->N <= NK_SLICE_MAX_OUTPUT ? 2 : 1;
}

static void nk_gemm_dispatch(const nk_kernel *kr, const nk_gemm_args *g)
{
    if (g->M <= 0 || g->N <= 0) return;
    if (g->K <= 0 || g->alpha == 0.0f) {   /* C = act(beta*C + bias) */
        for (long i = 0; i < g->M; i++) {
            float *c = g->C + i * g->ldc;
            for (long j = 0; j < g->N; j++)
                c[j] = g->beta == 0.0f ? 0.0f : g->beta * c[j];
        }
        nk_epilogue_rows(kr, g);
        if (g->update) nk_sgd_fusion_rows(g);
        return;
    }
    double work = (double)g->M * g->N * g->K;
    int p = nk_thread_count();
    /* A few columns on the packing-free path (a 10-class output layer) split
     * only by rows, each row group's A just written by the caller's core: at
     * batch 64 (82k multiply-adds, 2.2 µs on one thread) two tasks took
     * 3.2–4 µs inside a training step. A product over a short inner
     * dimension is mostly the writing of C: that layer's input gradient
     * (64×128 over K = 10, about 2 µs on one thread) took 4–5 µs split, and
     * the caller then read the worker's half for the ReLU mask. Tiny M
     * (batch-1 inference) keeps the usual rule: it is bound by reading the
     * weights, and two cores read them faster than one (below). */
    double min_work = (nk_use_small(kr, g) && g->M > kr->small_max_m) || g->K <= NK_SHORT_K
                          ? 4.0 * NK_PARALLEL_MIN_WORK : NK_PARALLEL_MIN_WORK;
    if (work / min_work < p) p = (int)(work / min_work);
    /* WHY a row or two splits K across the threads: such a product is bound
     * by reading B, and split by columns each thread read 256-byte pieces of
     * every row of B (the L2 prefetchers pulling in the other thread's too).
     * Split by K, each reads a contiguous half, and the caller adds the one
     * partial row. 1×784·784×128 on the 2-core Xeon VM, C harness: 2.1–2.4 µs
     * against 2.4–2.7 split by columns, and 3.0–3.9 (median 3.1) on one
     * thread in the same hour; in another, policy off, both splits 2.6–2.7
     * (min of 60 rounds) and 3.0–3.1 (median). At 4 rows and more the two
     * splits took the same time. The batch-1 inference row of `neurite
     * bench`, processes alternated: 1.05× and 1.03× (medians of 6 and 8
     * processes each). A larger share for the caller, whose task starts
     * ~0.35 µs before the worker's (two cross-core transfers of ~150 ns
     * here), was no faster at 52% and slower at 54–58%. */
    if (p > 1 && g->M <= NK_KSPLIT_MAX_M && !g->tb && g->K >= p * NK_SLICE_MIN_K &&
        nk_gemm_split(kr, g, p, 1, 1))
        return;
    int pm = 1, pn = 1;
    int slices = nk_weight_slices(kr, g, work);
    if (slices > 1) {
        if (p / slices > 1) nk_choose_grid(kr, g, p / slices, &pm, &pn);
        if (nk_gemm_split(kr, g, slices, pm, pn)) return;
        pm = pn = 1;
    }
    if (p > 1) nk_choose_grid(kr, g, p, &pm, &pn);
    if (pm * pn <= 1) {
        if (p > 1 && g->K >= p * NK_KSPLIT_MIN_K && nk_gemm_split(kr, g, p, 1, 1)) return;
        nk_gemm_block(kr, g);
        return;
    }

    nk_gemm_split(kr, g, 1, pm, pn);
}

void nk_sgemm_bias_act(int transposeA, int transposeB, long M, long N, long K,
                       float alpha, const float *A, long lda,
                       const float *B, long ldb, float beta, float *C, long ldc,
                       const float *bias, int activation)
{
    nk_gemm_args g = { transposeA != 0, transposeB != 0, M, N, K, alpha, beta,
                       A, lda, B, ldb, C, ldc, bias, activation };
    nk_gemm_dispatch(nk_select_kernel(), &g);
}

int nk_sgemm_bias_act_on(const char *kernel, int transposeA, int transposeB,
                         long M, long N, long K, float alpha, const float *A,
                         long lda, const float *B, long ldb, float beta,
                         float *C, long ldc, const float *bias, int activation)
{
    const nk_kernel *kr = nk_kernel_named(kernel);
    if (!kr) return 0;
    nk_gemm_args g = { transposeA != 0, transposeB != 0, M, N, K, alpha, beta,
                       A, lda, B, ldb, C, ldc, bias, activation };
    nk_gemm_dispatch(kr, &g);
    return 1;
}

int nk_sgemm_cut_in_two(double caller_share, int by_rows, int transposeA, long M, long N, long K,
                        const float *A, long lda, const float *B, long ldb, float *C, long ldc)
{
    const nk_kernel *kr = nk_select_kernel();
    nk_gemm_args g = { transposeA != 0, 0, M, N, K, 1.0f, 0.0f, A, lda, B, ldb, C, ldc, NULL, NK_ACT_NONE };
    if (M <= 0 || N <= 0 || K <= 0) return 0;
    nk_split s = nk_split_of(kr, &g, K, 1, by_rows ? 2 : 1, by_rows ? 1 : 2, NULL);
    if (!nk_cut(&s, caller_share)) return 0;
    nk_pool_run(2, nk_task, &s);
    return 1;
}

void nk_sgemm(int transposeA, int transposeB, long M, long N, long K,
              float alpha, const float *A, long lda, const float *B, long ldb,
              float beta, float *C, long ldc)
{
    nk_sgemm_bias_act(transposeA, transposeB, M, N, K, alpha, A, lda, B, ldb,
                      beta, C, ldc, NULL, NK_ACT_NONE);
}

/* One nk_sgemm_sgd on family `kr`; returns whether every weight written is finite. */
static int nk_sgemm_sgd_with(const nk_kernel *kr, int transposeA, int transposeB, long M, long N, long K,
                             const float *A, long lda, const float *B, long ldb, float *scratch,
                             float *weight, float *velocity, const nk_sgd_step *step)
{
    nk_sgd_fusion update = { weight, velocity, scratch, *step, 0 };
    nk_gemm_args g = { transposeA != 0, transposeB != 0, M, N, K, 1.0f, 0.0f, A, lda, B, ldb,
                       scratch, N, NULL, NK_ACT_NONE, &update };
    nk_gemm_dispatch(kr, &g);
    return !update.nonfinite;
}

int nk_sgemm_sgd(int transposeA, int transposeB, long M, long N, long K,
                 const float *A, long lda, const float *B, long ldb, float *scratch,
                 float *weight, float *velocity, const nk_sgd_step *step)
{
    return nk_sgemm_sgd_with(nk_select_kernel(), transposeA, transposeB, M, N, K, A, lda, B, ldb,
                             scratch, weight, velocity, step);
}

int nk_sgemm_sgd_on(const char *kernel, int transposeA, int transposeB, long M, long N, long K,
                    const float *A, long lda, const float *B, long ldb, float *scratch,
                    float *weight, float *velocity, const nk_sgd_step *step)
{
    const nk_kernel *kr = nk_kernel_named(kernel);
    if (!kr) return -1;
    return nk_sgemm_sgd_with(kr, transposeA, transposeB, M, N, K, A, lda, B, ldb, scratch, weight, velocity, step);
}
