/*
 * AVX2 packing routines for the 6×16 micro-kernel (layouts: gemm_internal.h).
 *
 * WHY vectorised: at the training shapes (K=784, N or M = 64..128) packing
 * is 10-25% of the work; scalar gathers were measurably slower. The strided
 * ("gather") cases use the 8×8 register transposes of avx2_common.h.
 * Partial panels (fewer than 6 rows / 16 columns) fall back to the generic
 * scalar packer.
 */
#include "gemm_internal.h"
#include "avx2_common.h"

#if defined(__x86_64__)

#define MR 6
#define NR 16

NK_AVX2 void nk_avx2_pack_a(int trans, long mc, long kc, const float *A,
                            long lda, float *dst)
{
    long i0 = 0;
    for (; i0 + MR <= mc; i0 += MR, dst += MR * kc) {
        if (trans) {             /* 6 contiguous floats per k */
            const __m256i m6 = nk_mask8(MR);
            const float *src = A + i0;
            for (long k = 0; k < kc; k++, src += lda)
                _mm256_storeu_ps(dst + k * MR, _mm256_maskload_ps(src, m6));
        } else {                 /* 6 rows; lanes 6,7 re-read row 0 (junk) */
            const float *r = A + i0 * lda;
            const float *rows[8] = { r, r + lda, r + 2 * lda, r + 3 * lda,
                                     r + 4 * lda, r + 5 * lda, r, r };
            nk_gather8(rows, kc, dst, MR);
        }
    }
    if (i0 < mc)
        nk_pack_a_generic(MR, trans, mc - i0, kc,
                          trans ? A + i0 : A + i0 * lda, lda, dst);
}

NK_AVX2 void nk_avx2_pack_b(int trans, long kc, long nc, const float *B,
                            long ldb, float *dst)
{
    long j0 = 0;
    for (; j0 + NR <= nc; j0 += NR, dst += NR * kc) {
        if (!trans) {            /* 16 contiguous floats per k */
            const float *src = B + j0;
            for (long k = 0; k < kc; k++, src += ldb) {
                _mm256_store_ps(dst + k * NR, _mm256_loadu_ps(src));
                _mm256_store_ps(dst + k * NR + 8, _mm256_loadu_ps(src + 8));
            }
        } else {                 /* 16 rows of B, two 8-row transposes */
            for (int h = 0; h < NR; h += 8) {
                const float *r = B + (j0 + h) * ldb;
                const float *rows[8];
                for (int i = 0; i < 8; i++) rows[i] = r + i * ldb;
                nk_gather8(rows, kc, dst + h, NR);
            }
        }
    }
    if (j0 < nc)
        nk_pack_b_generic(NR, trans, kc, nc - j0,
                          trans ? B + j0 * ldb : B + j0, ldb, dst);
}

#endif /* __x86_64__ */
