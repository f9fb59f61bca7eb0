/*
 * One thread's GEMM: the per-thread packing buffers, the Goto/BLIS blocked
 * loop nest, and the choice between it and the kernel family's packing-free
 * paths (small, tall). How a product is split across threads is gemm.c's and
 * gemm_split.c's call; every task runs nk_gemm_block on its block.
 */
#include "NeuriteKernels.h"
#include "gemm_internal.h"
#include <pthread.h>
#include <stdlib.h>

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

void nk_epilogue_rows(const nk_kernel *kr, const nk_gemm_args *g)
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

/* Where the packed path reads B in place (the family's micro_b_in_place):
 * op(B) = B of whole nr-column panels, at most NK_IN_PLACE_B_MAX floats,
 * and at most NK_IN_PLACE_B_MAX_M rows of A; not for the fused SGD tiles.
 *
 * WHY: a dense layer's forward product at a small batch packs all of its
 * weight slice at every step, for a few row tiles: at batch 64 the K slice
 * 64×392·392×128 copies 196 KB to use it 11 times. Those weights are
 * already in this core's L2 (the weight gradient and the update of the step
 * before wrote them there, gemm.c's K split), and the copy is a second
 * 196 KB in an L2 of 512 KB that the velocity and the packed inputs share.
 * Read in place, a B panel's rows are 512 bytes apart and come from L2 at
 * each row tile rather than from L1, which two loads per 12 FMAs can afford.
 * On the Zen 3 EPYC VM (AVX2), the slice alone on one thread: 84 µs
 * fastest and 93 median against 87 and 100 packed (21 rounds each,
 * alternated in one process). In the C twin of the batch-64 training step
 * (scripts/step_emulation.c, blocks of 32 steps alternated), ten runs: the
 * forward product 6–10 µs faster in each, the step 1.013–1.032× as fast;
 * `neurite bench` processes alternated with the build before are too noisy
 * for 2% (16 each: 0.98×; 12 each: 1.04×). At batch 256 the twin's step
 * read 0.97–1.03× in five runs, no clear gain (a packed panel serves 43 row
 * tiles there), hence the row limit;
 * beyond L2 B would come from L3 at every row tile, hence the size limit
 * (a quarter of a 1 MiB L2, half of a 512 KiB one; the library reads no
 * cache sizes, and on a core with 256 KiB of L2 it is all of it). */
#define NK_IN_PLACE_B_MAX (64L * 1024L)
#define NK_IN_PLACE_B_MAX_M 128L

static int nk_b_in_place(const nk_kernel *kr, const nk_gemm_args *g)
{
    return kr->micro_b_in_place && !g->tb && !g->update && g->N % kr->nr == 0 &&
           g->M <= NK_IN_PLACE_B_MAX_M && g->K * g->N <= NK_IN_PLACE_B_MAX;
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
    const int b_in_place = nk_b_in_place(kr, g);
    nk_sgd_fusion *update = g->update;
    int finite = 1;

    for (long jc = 0; jc < N; jc += NC) {
        long nc = nk_min(NC, N - jc);
        for (long pc = 0; pc < K; pc += KC) {
            long kc = nk_min(KC, K - pc);
            float beta = pc == 0 ? g->beta : 1.0f;  /* later blocks accumulate */
            int last = pc + kc >= K;
            if (!b_in_place)
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
                        if (b_in_place)
                            kr->micro_b_in_place(kc, pa + ir * kc, g->B + pc * g->ldb + jc + jr, g->ldb,
                                                 c, g->ldc, m, n, g->alpha, beta);
                        else
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
int nk_use_small(const nk_kernel *kr, const nk_gemm_args *g)
{
    return kr->small && !(g->ta && g->tb) &&
           (g->M <= kr->small_max_m || (g->N <= kr->small_max_n && !g->tb && !nk_use_tall(kr, g)));
}

int nk_block_path(const nk_kernel *kr, const nk_gemm_args *g)
{
    return nk_use_small(kr, g) ? NK_PATH_SMALL : nk_use_tall(kr, g) ? NK_PATH_TALL : NK_PATH_PACKED;
}

void nk_gemm_block_on(const nk_kernel *kr, const nk_gemm_args *g, int path)
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

void nk_gemm_block(const nk_kernel *kr, const nk_gemm_args *g)
{
    nk_gemm_block_on(kr, g, nk_block_path(kr, g));
}
