/*
 * A product split across the thread pool: a job of tasks, each a block of C
 * over one slice of K, the sum of the slices, and the balanced cut of a
 * two-task job. gemm.c decides the split (nk_gemm_dispatch); each task runs
 * gemm_block.c's serial paths.
 */
#include "NeuriteKernels.h"
#include "gemm_internal.h"
#include "pool_clock.h"

/* ---- parallel split ------------------------------------------------------
 * A job is `slices` slices of K (1 unless gemm.c's K split applies), each
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
int nk_gemm_split(const nk_kernel *kr, const nk_gemm_args *g, int slices, int pm, int pn)
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
void nk_choose_grid(const nk_kernel *kr, const nk_gemm_args *g, int p,
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
