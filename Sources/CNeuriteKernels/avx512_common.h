/*
 * Helpers shared by the AVX-512 kernel files (the GEMM family gemm_avx512*.c,
 * the direct convolution, pooling, recurrent cells). Every function
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

/* 16 windows of 2×2 max pooling, by max_pool.c's rule: strict comparisons,
 * so the first maximum in row-major order wins and NaN never does. t0, t1:
 * the 32 floats of the windows' top row, u0, u1: of their bottom row. Two
 * permutes per row split them into left and right columns; three compares
 * pick the winner. Returns the maxima and sets, per lane, whether the right
 * column won the top row (*up_right) and the bottom row (*low_right), and
 * whether the bottom row's winner beat the top's (*lower_wins). */
static inline NK_AVX512 __m512 nk_max_pool_2x2_16(__m512 t0, __m512 t1, __m512 u0, __m512 u1, __mmask16 *up_right,
                                                  __mmask16 *low_right, __mmask16 *lower_wins)
{
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
    __m512 left = _mm512_permutex2var_ps(t0, even, t1), right = _mm512_permutex2var_ps(t0, odd, t1);
    __m512 d0 = _mm512_permutex2var_ps(u0, even, u1), d1 = _mm512_permutex2var_ps(u0, odd, u1);
    *up_right = _mm512_cmp_ps_mask(right, left, _CMP_GT_OQ);
    *low_right = _mm512_cmp_ps_mask(d1, d0, _CMP_GT_OQ);
    __m512 upper = _mm512_mask_blend_ps(*up_right, left, right), lower = _mm512_mask_blend_ps(*low_right, d0, d1);
    *lower_wins = _mm512_cmp_ps_mask(lower, upper, _CMP_GT_OQ);
    return _mm512_mask_blend_ps(*lower_wins, upper, lower);
}

#endif /* __x86_64__ */
#endif /* NK_AVX512_COMMON_H */
