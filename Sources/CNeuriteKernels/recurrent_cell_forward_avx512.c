/*
 * The forward of one recurrent step for one row, 16 units at a time, where
 * the AVX-512 kernel family is in use (recurrent_cell_forward.c takes the
 * units past a multiple of 16, and the other families).
 *
 * WHY its own exp, sigmoid and tanh: the 8-lane versions (avx2_common.h)
 * divide, once per sigmoid and once per tanh: five divisions per LSTM unit,
 * and a 16-lane division costs as much per lane as an 8-lane one, so
 * widening alone gained ~10%. Here the sigmoid's division is a reciprocal
 * estimate (14 bits) refined by one Newton step (about 1 ulp), which the FMA
 * units do: ~30% less time in the LSTM's gates. tanh keeps its division, so
 * that a SimpleRNN computes exactly what the AVX2 family does (its training
 * through exploding gradients is chaotic: an ulp changes where it ends). The
 * polynomials are avx2_common.h's (Cephes' exp, Eigen's tanh), in the same
 * order.
 */
#include "gemm_internal.h"
#include "avx512_common.h"

#if defined(__x86_64__)

/* 1/d: rcp14 then r + r·(1 − d·r). */
static inline NK_AVX512 __m512 reciprocal(__m512 d)
{
    __m512 r = _mm512_rcp14_ps(d);
    return _mm512_fmadd_ps(r, _mm512_fnmadd_ps(d, r, _mm512_set1_ps(1.0f)), r);
}

static inline NK_AVX512 __m512 exp512(__m512 x)
{
    x = _mm512_max_ps(_mm512_set1_ps(-87.3f), x);
    x = _mm512_min_ps(_mm512_set1_ps(88.0f), x);
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(_mm512_mul_ps(p, r), r, _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    __m512i e = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
    return _mm512_mul_ps(p, _mm512_castsi512_ps(e));
}

static inline NK_AVX512 __m512 sigmoid512(__m512 x)
{
    return reciprocal(_mm512_add_ps(_mm512_set1_ps(1.0f), exp512(_mm512_sub_ps(_mm512_setzero_ps(), x))));
}

static inline NK_AVX512 __m512 tanh512(__m512 x)
{
    const __m512 limit = _mm512_set1_ps(7.90531110763549805f);
    __mmask16 tiny = _mm512_cmp_ps_mask(_mm512_abs_ps(x), _mm512_set1_ps(0.0004f), _CMP_LT_OQ);
    __m512 xc = _mm512_min_ps(limit, _mm512_max_ps(_mm512_sub_ps(_mm512_setzero_ps(), limit), x));
    __m512 x2 = _mm512_mul_ps(xc, xc);
    __m512 p = _mm512_set1_ps(-2.76076847742355e-16f);
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(2.00018790482477e-13f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-8.60467152213735e-11f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(5.12229709037114e-08f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(1.48572235717979e-05f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(6.37261928875436e-04f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(4.89352455891786e-03f));
    p = _mm512_mul_ps(p, xc);
    __m512 q = _mm512_set1_ps(1.19825839466702e-06f);
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(1.18534705686654e-04f));
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(2.26843463243900e-03f));
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(4.89352518554385e-03f));
    /* Exactly ±1 past |x| = 9.02, as nk_tanh256: a saturated unit passes no gradient. */
    __mmask16 saturated = _mm512_cmp_ps_mask(_mm512_abs_ps(x), _mm512_set1_ps(9.02f), _CMP_GT_OQ);
    __m512i sign = _mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32((int)0x80000000u));
    __m512 sign_one = _mm512_castsi512_ps(_mm512_or_si512(sign, _mm512_castps_si512(_mm512_set1_ps(1.0f))));
    __m512 result = _mm512_mask_blend_ps(saturated, _mm512_div_ps(p, q), sign_one);
    return _mm512_mask_blend_ps(tiny, result, x);
}

#define LOAD _mm512_loadu_ps
#define STORE _mm512_storeu_ps
#define ADD _mm512_add_ps
#define MUL _mm512_mul_ps

NK_AVX512 long nk_rnn_units_avx512(long h, const float *x, const float *r, float *out)
{
    long j = 0;
    for (; j + 16 <= h; j += 16) STORE(out + j, tanh512(ADD(LOAD(x + j), LOAD(r + j))));
    return j;
}

NK_AVX512 long nk_lstm_units_avx512(long h, const float *x, const float *r, const float *previous_cell,
                                    float *cell, float *out, float *gates, float *tanh_cell)
{
    long j = 0;
    for (; j + 16 <= h; j += 16) {
        __m512 i = sigmoid512(ADD(LOAD(x + j), LOAD(r + j)));
        __m512 f = sigmoid512(ADD(LOAD(x + h + j), LOAD(r + h + j)));
        __m512 g = tanh512(ADD(LOAD(x + 2 * h + j), LOAD(r + 2 * h + j)));
        __m512 o = sigmoid512(ADD(LOAD(x + 3 * h + j), LOAD(r + 3 * h + j)));
        __m512 c = ADD(MUL(f, LOAD(previous_cell + j)), MUL(i, g)), t = tanh512(c);
        STORE(gates + j, i); STORE(gates + h + j, f); STORE(gates + 2 * h + j, g); STORE(gates + 3 * h + j, o);
        STORE(cell + j, c); STORE(tanh_cell + j, t); STORE(out + j, MUL(o, t));
    }
    return j;
}

NK_AVX512 long nk_gru_units_avx512(long h, const float *x, const float *r, const float *previous,
                                   float *out, float *gates, float *candidate)
{
    long j = 0;
    const __m512 one = _mm512_set1_ps(1.0f);
    for (; j + 16 <= h; j += 16) {
        __m512 reset = sigmoid512(ADD(LOAD(x + j), LOAD(r + j)));
        __m512 update = sigmoid512(ADD(LOAD(x + h + j), LOAD(r + h + j)));
        __m512 recurrent = LOAD(r + 2 * h + j);
        __m512 n = tanh512(ADD(LOAD(x + 2 * h + j), MUL(reset, recurrent)));
        STORE(gates + j, reset); STORE(gates + h + j, update); STORE(gates + 2 * h + j, n);
        STORE(candidate + j, recurrent);
        STORE(out + j, ADD(MUL(_mm512_sub_ps(one, update), n), MUL(update, LOAD(previous + j))));
    }
    return j;
}

#endif /* __x86_64__ */
