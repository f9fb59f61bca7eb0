/*
 * GEMM driver: argument handling, and the shape dispatch that decides how a
 * product is split across threads (gemm_split.c runs the split, gemm_block.c
 * each thread's block).
 * The ISA-specific work (packing, micro-kernel, epilogue, small-M path) is
 * behind the nk_kernel table chosen in cpu_features.c.
 */
#include "NeuriteKernels.h"
#include "gemm_internal.h"

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
