/*
 * AVX-512 packing routines for the 8×32 micro-kernel (layouts:
 * gemm_internal.h).
 *
 * Contiguous cases copy whole vectors; a partial panel uses masked loads,
 * which read nothing past the matrix and fill the padding with zeros. The
 * strided ("gather") cases use the 8×8 register transposes of avx2_common.h:
 * 8 rows of A are exactly one transposed block, 32 columns of Bᵀ are four.
 */
#include "avx512_common.h"
#include "avx2_common.h"

#if defined(__x86_64__)

#define MR NK_AVX512_MR
#define NR NK_AVX512_NR

NK_AVX512 void nk_avx512_pack_a(int trans, long mc, long kc, const float *A,
                                long lda, float *dst)
{
    for (long i0 = 0; i0 < mc; i0 += MR, dst += MR * kc) {
        long m = mc - i0 < MR ? mc - i0 : MR;
        if (trans) {             /* m contiguous floats per k */
            const __mmask8 mask = (__mmask8)nk_mask16(m);
            const float *src = A + i0;
            for (long k = 0; k < kc; k++, src += lda)
                _mm256_storeu_ps(dst + k * MR, _mm256_maskz_loadu_ps(mask, src));
        } else if (m == MR) {    /* 8 rows: one 8×8 transpose per 8 k */
            const float *r = A + i0 * lda, *rows[8];
            for (int i = 0; i < 8; i++) rows[i] = r + i * lda;
            nk_gather8(rows, kc, dst, MR);
        } else {
            nk_pack_a_generic(MR, 0, m, kc, A + i0 * lda, lda, dst);
        }
    }
}

/* 8 columns of op(B) = Bᵀ (rows of B) into lanes [h, h+8) of a panel; the
 * columns past n (0..8 of them) are zero. */
static NK_AVX512 void pack_bt8(long kc, long n, const float *B, long ldb,
                               float *dst)
{
    if (n >= 8) {
        const float *rows[8];
        for (int i = 0; i < 8; i++) rows[i] = B + i * ldb;
        nk_gather8(rows, kc, dst, NR);
        return;
    }
    for (long k = 0; k < kc; k++)
        for (long j = 0; j < 8; j++) dst[k * NR + j] = j < n ? B[j * ldb + k] : 0.0f;
}

NK_AVX512 void nk_avx512_pack_b(int trans, long kc, long nc, const float *B,
                                long ldb, float *dst)
{
    for (long j0 = 0; j0 < nc; j0 += NR, dst += NR * kc) {
        long n = nc - j0;
        if (!trans) {            /* n contiguous floats per k */
            const __mmask16 m0 = nk_mask16(n), m1 = nk_mask16(n - 16);
            const float *src = B + j0;
            for (long k = 0; k < kc; k++, src += ldb) {
                _mm512_storeu_ps(dst + k * NR, _mm512_maskz_loadu_ps(m0, src));
                _mm512_storeu_ps(dst + k * NR + 16, _mm512_maskz_loadu_ps(m1, src + 16));
            }
        } else {                 /* 32 rows of B, four 8-row transposes */
            for (int h = 0; h < NR; h += 8)
                pack_bt8(kc, n - h, B + (j0 + h) * ldb, ldb, dst + h);
        }
    }
}

#endif /* __x86_64__ */
