/*
 * GEMM against a B packed once and reused: the recurrent layers' per-step
 * product h⁻·W_hhᵀ (and ∂gates·W_hh in the backward), where the same weight
 * matrix multiplies 64+ small [batch × hidden] matrices in a row.
 *
 * WHY: at batch 32, hidden 128 the general driver packs all of W_hh (64k
 * floats, a strided transpose) for only 32 rows of A: packing was ~11% of a
 * character-model training step and the GEMM calls half of it. Packing it
 * once per sequence leaves each step with packing A (32×128 floats, 1/16 of
 * B) and the micro-kernel. The packed layout is the kernel family's own, so
 * the same micro-kernel (and on other ISAs, the same portable fallback) runs.
 *
 * Layout: K is split into equal blocks of at most kc rows, as the driver
 * does; block p (rows k0..k0+kcp) starts at k0·Np, Np = N rounded up to nr,
 * and holds Np/nr panels of kcp×nr floats (pack_b's layout).
 */
#include "NeuriteKernels.h"
#include "gemm_internal.h"

/* As in gemm.c: the work (multiply-adds) below which a second thread costs
 * more in hand-off than it saves. */
#define NK_PREPACKED_MIN_WORK 40000L

static long round_up(long x, long m) { return (x + m - 1) / m * m; }
static long min_long(long a, long b) { return a < b ? a : b; }

/* The K block length: equal blocks no longer than kc. */
static long block_k(const nk_kernel *kr, long K)
{
    long blocks = (K + kr->kc - 1) / kr->kc;
    return (K + blocks - 1) / blocks;
}

long nk_packed_b_floats(long K, long N)
{
    const nk_kernel *kr = nk_select_kernel();
    return K * round_up(N, kr->nr) + NK_PACK_SLACK;
}

void nk_pack_b_whole(int transposeB, long K, long N, const float *B, long ldb, float *packed)
{
    const nk_kernel *kr = nk_select_kernel();
    const long KC = block_k(kr, K), Np = round_up(N, kr->nr);
    for (long k0 = 0; k0 < K; k0 += KC) {
        long kc = min_long(KC, K - k0);
        kr->pack_b(transposeB != 0, kc, N, transposeB ? B + k0 : B + k0 * ldb, ldb, packed + k0 * Np);
    }
}

typedef struct {
    const nk_kernel *kr;
    int ta;
    long M, N, K, lda, ldc;
    const float *A, *packed, *bias;
    float beta;
    float *C;
    long panels_per_task;   /* nr-wide column panels each task computes */
} nk_prepacked_job;

/* Last resort when A's packing buffer cannot be allocated: plain loops over
 * the packed B, element (k, j) of block k0 at k0·Np + (j/nr)·kcp·nr + (k−k0)·nr + j%nr. */
static void nk_prepacked_naive(const nk_prepacked_job *job, long j0, long j1)
{
    const long NR = job->kr->nr, KC = block_k(job->kr, job->K), Np = round_up(job->N, NR);
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

/* Columns [j0, j1) of C, all rows. */
static void nk_prepacked_columns(const nk_prepacked_job *job, long j0, long j1)
{
    const nk_kernel *kr = job->kr;
    const long MR = kr->mr, NR = kr->nr, KC = block_k(kr, job->K), Np = round_up(job->N, NR);
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

static void nk_prepacked_task(void *context, int task)
{
    const nk_prepacked_job *job = context;
    long j0 = task * job->panels_per_task * job->kr->nr;
    if (j0 < job->N) nk_prepacked_columns(job, j0, min_long(job->N, j0 + job->panels_per_task * job->kr->nr));
}

void nk_sgemm_prepacked_b(int transposeA, long M, long N, long K, const float *A, long lda,
                          const float *packed, float beta, float *C, long ldc, const float *bias)
{
    if (M <= 0 || N <= 0 || K <= 0) return;
    const nk_kernel *kr = nk_select_kernel();
    nk_prepacked_job job = { kr, transposeA != 0, M, N, K, lda, ldc, A, packed, bias, beta, C, 0 };
    long panels = (N + kr->nr - 1) / kr->nr;
    double work = (double)M * N * K;
    long tasks = nk_thread_count();
    if (work / NK_PREPACKED_MIN_WORK < tasks) tasks = (long)(work / NK_PREPACKED_MIN_WORK);
    tasks = min_long(tasks, panels);
    if (tasks <= 1) {
        nk_prepacked_columns(&job, 0, N);
        return;
    }
    job.panels_per_task = (panels + tasks - 1) / tasks;
    nk_pool_run((int)((panels + job.panels_per_task - 1) / job.panels_per_task), nk_prepacked_task, &job);
}
