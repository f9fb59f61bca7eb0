/*
 * GEMM against a B packed once and reused: the recurrent layers' per-step
 * product h⁻·W_hhᵀ (and ∂gates·W_hh in the backward), where the same weight
 * matrix multiplies 64+ small [batch × hidden] matrices in a row; and the
 * gradient of W_hh, Σ_t ∂gates_tᵀ·h_{t−1}, the states packed as B.
 *
 * WHY: at batch 32, hidden 128 the general driver packs all of W_hh (64k
 * floats, a strided transpose) for only 32 rows of A: packing was ~11% of a
 * character-model training step and the GEMM calls half of it. Packing it
 * once per sequence leaves each step with at most packing A (32×128 floats,
 * 1/16 of B) and the micro-kernel.
 *
 * Two layouts: where the AVX-512 family is in use,
 * 32-wide panels for the kernel of gemm_prepacked_avx512.c, which reads A in
 * place; otherwise the kernel family's own, so its micro-kernel runs (and on
 * other ISAs the portable or NEON one). K is split into equal blocks of at
 * most kc rows, as the driver does; block k0..k0+kcp starts at k0·Np, Np = N
 * rounded up to nr, and holds Np/nr panels of kcp×nr floats.
 */
#include <stdlib.h>
#include <string.h>
#include "NeuriteKernels.h"
#include "gemm_internal.h"
#include "gemm_prepacked.h"

/* As in gemm.c: the work (multiply-adds) below which a second thread costs
 * more in hand-off than it saves. */
#define NK_PREPACKED_MIN_WORK 40000L

static long round_up(long x, long m) { return (x + m - 1) / m * m; }
static long min_long(long a, long b) { return a < b ? a : b; }

/* Whether the AVX-512 layout is used; decided once, like the kernel family. */
static int nk_prepacked_wide(void)
{
#if defined(__x86_64__)
    static int cached = -1;
    int wide = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (wide < 0) {
        /* With the AVX-512 family selected; NEURITE_KERNEL=avx2 selects the AVX2 family, and
         * so keeps the 6x16 AVX2 layout on an AVX-512 machine, so that the path of machines
         * without AVX-512 can be tested here. */
        wide = nk_select_kernel() == &nk_kernel_avx512;
        __atomic_store_n(&cached, wide, __ATOMIC_RELEASE);
    }
    return wide;
#else
    return 0;
#endif
}

static long layout_nr(void) { return nk_prepacked_wide() ? 32 : nk_select_kernel()->nr; }
static long layout_kc(void) { return nk_prepacked_wide() ? NK_AVX512_KC : nk_select_kernel()->kc; }

long nk_packed_b_floats(long K, long N)
{
    return K * round_up(N, layout_nr()) + NK_PACK_SLACK;
}

typedef struct {
    int transposeB;
    long K, N, ldb, KC, Np;
    const float *B;
    float *packed;
} nk_pack_job;

static void nk_pack_block(void *context, int block)
{
    const nk_pack_job *job = context;
    long k0 = block * job->KC, kc = min_long(job->KC, job->K - k0);
    const float *source = job->transposeB ? job->B + k0 : job->B + k0 * job->ldb;
    if (nk_prepacked_wide()) nk_pack_b_generic((int)layout_nr(), job->transposeB != 0, kc, job->N, source, job->ldb, job->packed + k0 * job->Np);
    else nk_select_kernel()->pack_b(job->transposeB != 0, kc, job->N, source, job->ldb, job->packed + k0 * job->Np);
}

/* Packing is copying (the same result on any thread): the K blocks of a large B, the states of
 * all steps for the W_hh gradient (2048×128 at batch 32 × 64 steps), are split across threads. */
void nk_pack_b_whole(int transposeB, long K, long N, const float *B, long ldb, float *packed)
{
    const long KC = nk_prepacked_block_k(K, layout_kc());
    nk_pack_job job = { transposeB, K, N, ldb, KC, round_up(N, layout_nr()), B, packed };
    int blocks = (int)((K + KC - 1) / KC);
    if (blocks > 1 && (double)K * N >= NK_PREPACKED_MIN_WORK) {
        nk_pool_run(blocks, nk_pack_block, &job);
        return;
    }
    for (int block = 0; block < blocks; block++) nk_pack_block(&job, block);
}

/* Last resort when A's packing buffer cannot be allocated: plain loops over
 * the packed B, element (k, j) of block k0 at k0·Np + (j/nr)·kcp·nr + (k−k0)·nr + j%nr. */
static void nk_prepacked_naive(const nk_prepacked_job *job, long j0, long j1)
{
    const long NR = job->nr, KC = nk_prepacked_block_k(job->K, job->kr->kc), Np = round_up(job->N, NR);
    for (long i = 0; i < job->M; i++)
        for (long j = j0; j < j1; j++) {
            float sum = 0.0f;
            for (long k = 0; k < job->K; k++) {
                long k0 = k / KC * KC, kc = min_long(KC, job->K - k0);
                float a = job->ta ? job->A[k * job->lda + i] : job->A[i * job->lda + k];
                sum += a * job->packed[k0 * Np + j / NR * kc * NR + (k - k0) * NR + j % NR];
            }
            float *c = job->C + i * job->ldc + j;
            *c = (job->beta == 0.0f ? sum : sum + job->beta * *c) + (job->bias ? job->bias[j] : 0.0f);
        }
}

/* Columns [j0, j1) of C, all rows, with the kernel family's packing and micro-kernel. */
static void nk_prepacked_columns(const nk_prepacked_job *job, long j0, long j1)
{
    const nk_kernel *kr = job->kr;
    const long MR = kr->mr, NR = kr->nr, KC = nk_prepacked_block_k(job->K, kr->kc), Np = round_up(job->N, NR);
    const long MC = round_up(min_long(kr->mc, job->M), MR);
    float *pa = nk_thread_buffer(0, (size_t)(MC * KC));
    if (!pa) { nk_prepacked_naive(job, j0, j1); return; }
    for (long k0 = 0; k0 < job->K; k0 += KC) {
        long kc = min_long(KC, job->K - k0);
        float beta = k0 == 0 ? job->beta : 1.0f;
        int last = k0 + kc >= job->K;
        const float *pb = job->packed + k0 * Np;
        for (long i0 = 0; i0 < job->M; i0 += MC) {
            long mc = min_long(MC, job->M - i0);
            kr->pack_a(job->ta, mc, kc, job->ta ? job->A + k0 * job->lda + i0 : job->A + i0 * job->lda + k0,
                       job->lda, pa);
            for (long j = j0; j < j1; j += NR) {
                int n = (int)min_long(NR, j1 - j);
                for (long i = 0; i < mc; i += MR) {
                    int m = (int)min_long(MR, mc - i);
                    float *c = job->C + (i0 + i) * job->ldc + j;
                    kr->micro(kc, pa + i * kc, pb + j * kc, c, job->ldc, m, n, 1.0f, beta);
                    if (last && job->bias)
                        for (int r = 0; r < m; r++)
                            kr->epilogue_row(c + r * job->ldc, n, job->bias + j, NK_ACT_NONE);
                }
            }
        }
    }
}

static void nk_prepacked_range(const nk_prepacked_job *job, long i0, long i1, long j0, long j1)
{
#if defined(__x86_64__)
    if (job->nr == 32 && nk_prepacked_wide()) { nk_prepacked_block_avx512(job, i0, i1, j0, j1); return; }
#endif
    if (i0 == 0 && i1 == job->M) { nk_prepacked_columns(job, j0, j1); return; }
    nk_prepacked_job rows = *job;  /* the family's kernel takes whole columns: narrow the job to the rows */
    rows.M = i1 - i0;
    rows.A = job->ta ? job->A + i0 : job->A + i0 * job->lda;
    rows.C = job->C + i0 * job->ldc;
    nk_prepacked_columns(&rows, j0, j1);
}

static void nk_prepacked_task(void *context, int task)
{
    const nk_prepacked_job *job = context;
    if (job->panels_per_task == 0) {
        long i0 = task * job->rows_per_task;
        if (i0 < job->M) nk_prepacked_range(job, i0, min_long(job->M, i0 + job->rows_per_task), 0, job->N);
        return;
    }
    long j0 = task * job->panels_per_task * job->nr;
    if (j0 < job->N) nk_prepacked_range(job, 0, job->M, j0, min_long(job->N, j0 + job->panels_per_task * job->nr));
}

void nk_sgemm_prepacked_b(int transposeA, long M, long N, long K, const float *A, long lda,
                          const float *packed, float beta, float *C, long ldc, const float *bias)
{
    if (M <= 0 || N <= 0 || K <= 0) return;
    const nk_kernel *kr = nk_select_kernel();
    nk_prepacked_job job = { kr, transposeA != 0, M, N, K, lda, ldc, A, packed, bias, beta, C, layout_nr(), 0, 0 };
    long panels = (N + job.nr - 1) / job.nr;
    double work = (double)M * N * K;
    long tasks = nk_thread_count();
    if (work / NK_PREPACKED_MIN_WORK < tasks) tasks = (long)(work / NK_PREPACKED_MIN_WORK);
    /* A read transposed (the recurrent weights' gradient Σ_t ∂gates_tᵀ·h_{t−1}: A is the
     * gate gradients of all steps, megabytes, B the states) is split by rows, so that each task
     * reads its own columns of A; split by columns, every task would read all of it. */
    int by_rows = job.ta;
    const long MR = 8;  /* rows split in whole tiles of the AVX-512 kernel */
    tasks = min_long(tasks, by_rows ? (M + MR - 1) / MR : panels);
    if (tasks <= 1) {
        nk_prepacked_range(&job, 0, M, 0, N);
        return;
    }
    if (by_rows) {
        job.rows_per_task = ((M + tasks - 1) / tasks + MR - 1) / MR * MR;
        nk_pool_run((int)((M + job.rows_per_task - 1) / job.rows_per_task), nk_prepacked_task, &job);
        return;
    }
    job.panels_per_task = (panels + tasks - 1) / tasks;
    nk_pool_run((int)((panels + job.panels_per_task - 1) / job.panels_per_task), nk_prepacked_task, &job);
}
