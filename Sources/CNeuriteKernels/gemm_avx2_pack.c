/*
 * AVX2 packing routines for the 6×16 micro-kernel (layouts: gemm_internal.h).
 *
 * WHY vectorised: at the training shapes (K=784, N or M = 64..128) packing
 * is 10-25% of the work; scalar gathers were measurably slower. The strided
 * ("gather") cases use 8×8 register transposes. Partial panels (fewer than
 * 6 rows / 16 columns) fall back to the generic scalar packer.
 */
#include "gemm_internal.h"
#include "avx2_common.h"

#if defined(__x86_64__)

#define MR 6
#define NR 16

/* In-register transpose of 8 rows of 8 floats. */
static inline NK_AVX2 void tr8x8(__m256 r[8])
{
    __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
    __m256 s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
    __m256 s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
    __m256 s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
    __m256 s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
    r[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
    r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    r[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
    r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    r[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
    r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    r[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
    r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

/* dst[k*ds + i] = rows[i][k] for i < 8, k < kc, storing 8 floats per k in
 * ascending k. With ds < 8 (ds = 6 for A) each store spills 2 junk floats
 * into the next k's slot, which the next store overwrites; the very last
 * spill lands in the following panel or in NK_PACK_SLACK. */
static inline NK_AVX2 void gather8(const float *const rows[8], long kc,
                                   float *dst, long ds)
{
    long k = 0;
    for (; k + 8 <= kc; k += 8) {
        __m256 r[8];
        for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(rows[i] + k);
        tr8x8(r);
        for (int i = 0; i < 8; i++) _mm256_storeu_ps(dst + (k + i) * ds, r[i]);
    }
    for (; k < kc; k++)
        for (int i = 0; i < 8; i++) dst[k * ds + i] = rows[i][k];
}

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
            gather8(rows, kc, dst, MR);
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
                gather8(rows, kc, dst + h, NR);
            }
        }
    }
    if (j0 < nc)
        nk_pack_b_generic(NR, trans, kc, nc - j0,
                          trans ? B + j0 * ldb : B + j0, ldb, dst);
}

#endif /* __x86_64__ */
