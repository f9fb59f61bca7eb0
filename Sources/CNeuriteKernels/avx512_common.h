/*
 * Helpers shared by the AVX-512 GEMM family (gemm_avx512*.c). Every function
 * carries NK_AVX512 so the files compile without -mavx512f: the code is only
 * reached after cpu_features.c has confirmed AVX-512F/VL and OS ZMM support.
 */
#ifndef NK_AVX512_COMMON_H
#define NK_AVX512_COMMON_H
#if defined(__x86_64__)

#include <immintrin.h>
#include "gemm_internal.h"

/* VL for the 256-bit masked loads of the packers; AVX2/FMA for the shared
 * 8×8 transpose and the ymm epilogue (every AVX-512 CPU has them). */
#define NK_AVX512 __attribute__((target("avx512f,avx512vl,avx2,fma")))

/* The micro-tile (gemm_avx512.c), shared with the packers. */
#define NK_AVX512_MR 8
#define NK_AVX512_NR 32

void nk_avx512_pack_a(int trans, long mc, long kc, const float *A, long lda, float *dst);
void nk_avx512_pack_b(int trans, long kc, long nc, const float *B, long ldb, float *dst);
void nk_avx512_small(const nk_gemm_args *g);
void nk_avx512_tall(const nk_gemm_args *g);

/* Lane mask with the first r (clamped to 0..16) lanes set. */
static inline __mmask16 nk_mask16(long r)
{
    return r >= 16 ? (__mmask16)0xFFFF : r <= 0 ? (__mmask16)0 : (__mmask16)((1u << r) - 1);
}

/* c = alpha*x + beta*c on the lanes of m (beta == 0: c is not read). */
static inline NK_AVX512 void nk_store16(float *c, __m512 x, float alpha, float beta, __mmask16 m)
{
    x = _mm512_mul_ps(_mm512_set1_ps(alpha), x);
    if (beta != 0.0f) x = _mm512_fmadd_ps(_mm512_set1_ps(beta), _mm512_maskz_loadu_ps(m, c), x);
    _mm512_mask_storeu_ps(c, m, x);
}

#endif /* __x86_64__ */
#endif /* NK_AVX512_COMMON_H */
