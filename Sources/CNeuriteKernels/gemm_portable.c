/*
 * Portable C kernels: the fallback for CPUs without AVX2/FMA or NEON, the
 * generic packers (also used by the NEON family) and the reference the fast
 * paths are tested against.
 *
 * The 4×8 micro-tile keeps 32 accumulators, which compilers map onto 8 SSE
 * (or NEON) registers at -O2 without any ISA flags.
 */
#include "NeuriteKernels.h"
#include "gemm_internal.h"

#define PMR 4
#define PNR 8

void nk_pack_a_generic(int mr, int trans, long mc, long kc,
                       const float *A, long lda, float *dst)
{
    for (long i0 = 0; i0 < mc; i0 += mr, dst += (long)mr * kc) {
        long m = mc - i0 < mr ? mc - i0 : mr;
        if (trans) {            /* op(A)[i][k] = A[k*lda + i]: rows contiguous */
            for (long k = 0; k < kc; k++) {
                const float *src = A + k * lda + i0;
                long i = 0;
                for (; i < m; i++) dst[k * mr + i] = src[i];
                for (; i < mr; i++) dst[k * mr + i] = 0.0f;
            }
        } else {                /* op(A)[i][k] = A[i*lda + k]: gather */
            for (long i = 0; i < mr; i++) {
                const float *src = A + (i0 + i) * lda;
                if (i < m)
                    for (long k = 0; k < kc; k++) dst[k * mr + i] = src[k];
                else
                    for (long k = 0; k < kc; k++) dst[k * mr + i] = 0.0f;
            }
        }
    }
}

void nk_pack_b_generic(int nr, int trans, long kc, long nc,
                       const float *B, long ldb, float *dst)
{
    for (long j0 = 0; j0 < nc; j0 += nr, dst += (long)nr * kc) {
        long n = nc - j0 < nr ? nc - j0 : nr;
        if (!trans) {           /* op(B)[k][j] = B[k*ldb + j]: rows contiguous */
            for (long k = 0; k < kc; k++) {
                const float *src = B + k * ldb + j0;
                long j = 0;
                for (; j < n; j++) dst[k * nr + j] = src[j];
                for (; j < nr; j++) dst[k * nr + j] = 0.0f;
            }
        } else {                /* op(B)[k][j] = B[j*ldb + k]: gather */
            for (long j = 0; j < nr; j++) {
                const float *src = B + (j0 + j) * ldb;
                if (j < n)
                    for (long k = 0; k < kc; k++) dst[k * nr + j] = src[k];
                else
                    for (long k = 0; k < kc; k++) dst[k * nr + j] = 0.0f;
            }
        }
    }
}

static void pack_a_portable(int trans, long mc, long kc, const float *A,
                            long lda, float *dst)
{
    nk_pack_a_generic(PMR, trans, mc, kc, A, lda, dst);
}

static void pack_b_portable(int trans, long kc, long nc, const float *B,
                            long ldb, float *dst)
{
    nk_pack_b_generic(PNR, trans, kc, nc, B, ldb, dst);
}

static void micro_portable(long kc, const float *restrict a,
                           const float *restrict b, float *restrict c, long ldc,
                           int m, int n, float alpha, float beta)
{
    float acc[PMR][PNR] = {{0}};
    for (long k = 0; k < kc; k++, a += PMR, b += PNR)
        for (int i = 0; i < PMR; i++)
            for (int j = 0; j < PNR; j++)
                acc[i][j] += a[i] * b[j];
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            float v = alpha * acc[i][j];
            c[i * ldc + j] = beta == 0.0f ? v : v + beta * c[i * ldc + j];
        }
}

const nk_kernel nk_kernel_portable = {
    .name = "portable",
    .mr = PMR, .nr = PNR,
    .mc = 128, .kc = 256, .nc = 2048,
    .pack_a = pack_a_portable,
    .pack_b = pack_b_portable,
    .micro = micro_portable,
    .epilogue_row = nk_epilogue_row_scalar,
    .small = 0,
    .small_max_m = 0,
};
