/*
 * Helpers shared by the AVX2+FMA kernel files. Every function carries
 * target("avx2,fma") so the files compile without -mavx2: the code is only
 * reached after cpu_features.c has confirmed AVX2, FMA and OS YMM support.
 */
#ifndef NK_AVX2_COMMON_H
#define NK_AVX2_COMMON_H
#if defined(__x86_64__)

#include <immintrin.h>
#include <stdint.h>
#include "NeuriteKernels.h"

#define NK_AVX2 __attribute__((target("avx2,fma")))

/* Lane mask with the first r (0..8, clamped) lanes set. */
static inline NK_AVX2 __m256i nk_mask8(long r)
{
    static const int32_t tab[16] = { -1, -1, -1, -1, -1, -1, -1, -1,
                                      0,  0,  0,  0,  0,  0,  0,  0 };
    r = r < 0 ? 0 : r > 8 ? 8 : r;
    return _mm256_loadu_si256((const __m256i *)(tab + 8 - r));
}

/* exp(x), Cephes polynomial, same algorithm as activation.c. The operand
 * order of max/min makes a NaN input come out as NaN. */
static inline NK_AVX2 __m256 nk_exp256(__m256 x)
{
    x = _mm256_max_ps(_mm256_set1_ps(-87.3f), x);
    x = _mm256_min_ps(_mm256_set1_ps(88.0f), x);
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(_mm256_mul_ps(p, r), r, _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n),
                                                   _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

/* tanh, Eigen's rational approximation (as activation.c). */
static inline NK_AVX2 __m256 nk_tanh256(__m256 x)
{
    const __m256 lim = _mm256_set1_ps(7.90531110763549805f);
    __m256 ax = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x);
    __m256 tiny = _mm256_cmp_ps(ax, _mm256_set1_ps(0.0004f), _CMP_LT_OQ);
    __m256 xc = _mm256_min_ps(lim, _mm256_max_ps(_mm256_sub_ps(_mm256_setzero_ps(), lim), x));
    __m256 x2 = _mm256_mul_ps(xc, xc);
    __m256 p = _mm256_set1_ps(-2.76076847742355e-16f);
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(2.00018790482477e-13f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-8.60467152213735e-11f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(5.12229709037114e-08f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(1.48572235717979e-05f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(6.37261928875436e-04f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(4.89352455891786e-03f));
    p = _mm256_mul_ps(p, xc);
    __m256 q = _mm256_set1_ps(1.19825839466702e-06f);
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(1.18534705686654e-04f));
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(2.26843463243900e-03f));
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(4.89352518554385e-03f));
    /* Past |x| = 9.02 the correctly rounded tanh is exactly ±1. With FMA the rational form
     * stops at 1 − 2⁻²², and 1 − h² = 4.8e-7 would then leak gradient through every
     * saturated unit, which large recurrent weights amplify step after step. */
    __m256 saturated = _mm256_cmp_ps(ax, _mm256_set1_ps(9.02f), _CMP_GT_OQ);
    __m256 sign_one = _mm256_or_ps(_mm256_and_ps(x, _mm256_set1_ps(-0.0f)), _mm256_set1_ps(1.0f));
    __m256 result = _mm256_blendv_ps(_mm256_div_ps(p, q), sign_one, saturated);
    return _mm256_blendv_ps(result, x, tiny);
}

static inline NK_AVX2 __m256 nk_act256(__m256 x, int act)
{
    switch (act) {
    case NK_ACT_RELU:    return _mm256_max_ps(_mm256_setzero_ps(), x);
    case NK_ACT_SIGMOID: {
        __m256 one = _mm256_set1_ps(1.0f);
        __m256 e = nk_exp256(_mm256_sub_ps(_mm256_setzero_ps(), x));
        return _mm256_div_ps(one, _mm256_add_ps(one, e));
    }
    case NK_ACT_TANH:    return nk_tanh256(x);
    default:             return x;
    }
}

/* In-register transpose of 8 rows of 8 floats. */
static inline NK_AVX2 void nk_transpose8x8(__m256 r[8])
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
static inline NK_AVX2 void nk_gather8(const float *const rows[8], long kc,
                                   float *dst, long ds)
{
    long k = 0;
    for (; k + 8 <= kc; k += 8) {
        __m256 r[8];
        for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(rows[i] + k);
        nk_transpose8x8(r);
        for (int i = 0; i < 8; i++) _mm256_storeu_ps(dst + (k + i) * ds, r[i]);
    }
    for (; k < kc; k++)
        for (int i = 0; i < 8; i++) dst[k * ds + i] = rows[i][k];
}

#endif /* __x86_64__ */
#endif /* NK_AVX2_COMMON_H */
