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
    return _mm256_blendv_ps(_mm256_div_ps(p, q), x, tiny);
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

#endif /* __x86_64__ */
#endif /* NK_AVX2_COMMON_H */
