/*
 * 2×2, stride-2 max pooling fused into the direct convolution
 * (nk_direct_conv_pool_forward / _backward in direct_conv.c): the forward
 * pass pools each channel of the per-sample "wide" output while it is in L1,
 * the backward pass writes the wide output gradient straight from the pooled
 * gradient.
 *
 * WHY: a conv → ReLU → max-pool block written apart stores the full-size
 * activation, reads it back to pool it, writes a full-size gradient that is
 * zero but for one pixel in four, and reads that back with the activation
 * to apply ReLU′. For LeNet-5 at batch 64 those passes (the conv epilogue,
 * the pooling kernels and ReLU′ rows) were ~18% of a training step.
 *
 * EXACTNESS: the results are bit for bit those of the layers written apart:
 * the same ReLU select (+0 for ±0, NaN kept), the same comparisons as
 * max_pool.c (strict, so the first maximum in row-major order wins and NaN
 * never does), and ReLU′ read through the pooled value, which is the
 * winner's activation. Winners are stored as 0..3: bit 0 the right column,
 * bit 1 the lower row.
 */
#include "NeuriteKernels.h"
#include "direct_conv.h"

static inline float nk_pool_act(float v, int act) { return act == NK_ACT_RELU ? (0.0f >= v ? 0.0f : v) : v; }

void nk_pool_wide_portable(const float *wide, long wp, float bias, int act, long ph, long pw,
                           float *pooled, int32_t *winners)
{
    for (long r = 0; r < ph; r++) {
        const float *top = wide + 2 * r * wp, *bottom = top + wp;
        for (long c = 0; c < pw; c++) {
            float a = nk_pool_act(top[2 * c] + bias, act), b = nk_pool_act(top[2 * c + 1] + bias, act);
            float d0 = nk_pool_act(bottom[2 * c] + bias, act), d1 = nk_pool_act(bottom[2 * c + 1] + bias, act);
            int up_right = b > a, low_right = d1 > d0;
            float upper = up_right ? b : a, lower = low_right ? d1 : d0;
            int lower_wins = lower > upper;
            pooled[r * pw + c] = lower_wins ? lower : upper;
            winners[r * pw + c] = lower_wins ? 2 + low_right : up_right;
        }
    }
}

void nk_unpool_wide_portable(const float *gradient, const float *pooled, const int32_t *winners, int act,
                             long ph, long pw, long wp, float *wide)
{
    for (long r = 0; r < ph; r++) {
        float *top = wide + 2 * r * wp, *bottom = top + wp;
        for (long k = 0; k < wp; k++) top[k] = bottom[k] = 0.0f;
        for (long c = 0; c < pw; c++) {
            const long at = r * pw + c;
            const float g = act == NK_ACT_RELU ? (pooled[at] > 0.0f ? gradient[at] : 0.0f) : gradient[at];
            (winners[at] & 2 ? bottom : top)[2 * c + (winners[at] & 1)] = g;
        }
    }
}

#if defined(__x86_64__)
#include "avx512_common.h"

/* act(v + bias) on 16 lanes, as nk_pool_act. */
static inline NK_AVX512 __m512 nk_pool_act16(__m512 v, __m512 bias, int act)
{
    v = _mm512_add_ps(v, bias);
    /* 0 >= v ? 0 : v keeps v where "v ≤ 0" is false, NaN included. */
    return act == NK_ACT_RELU ? _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_NLE_UQ), v) : v;
}

/* 16 windows at a time, by nk_max_pool_2x2_16 as max_pool_avx512.c, after
 * act(v + bias) on the loaded rows; the winner is stored as its code. */
NK_AVX512 void nk_pool_wide_avx512(const float *wide, long wp, float bias, int act, long ph, long pw,
                                   float *pooled, int32_t *winners)
{
    const __m512i one = _mm512_set1_epi32(1), two = _mm512_set1_epi32(2);
    const __m512 b = _mm512_set1_ps(bias);
    for (long r = 0; r < ph; r++) {
        const float *top = wide + 2 * r * wp, *bottom = top + wp;
        for (long c = 0; c < pw; c += 16) {
            const long n = pw - c < 16 ? pw - c : 16;
            const __mmask16 lanes = nk_mask16(n), first = nk_mask16(2 * n), second = nk_mask16(2 * n - 16);
            __m512 t0 = nk_pool_act16(_mm512_maskz_loadu_ps(first, top + 2 * c), b, act);
            __m512 t1 = nk_pool_act16(_mm512_maskz_loadu_ps(second, top + 2 * c + 16), b, act);
            __m512 u0 = nk_pool_act16(_mm512_maskz_loadu_ps(first, bottom + 2 * c), b, act);
            __m512 u1 = nk_pool_act16(_mm512_maskz_loadu_ps(second, bottom + 2 * c + 16), b, act);
            __mmask16 up_right, low_right, lower_wins;
            __m512 best = nk_max_pool_2x2_16(t0, t1, u0, u1, &up_right, &low_right, &lower_wins);
            _mm512_mask_storeu_ps(pooled + r * pw + c, lanes, best);
            __m512i code = _mm512_maskz_mov_epi32(up_right, one);
            code = _mm512_mask_mov_epi32(code, lower_wins, _mm512_mask_add_epi32(two, low_right, two, one));
            _mm512_mask_storeu_epi32(winners + r * pw + c, lanes, code);
        }
    }
}

/* 16 windows → 32 columns of two rows: each window's gradient is spread to
 * both lanes of its column pair, and kept in the lane whose code (row ·2 +
 * column parity) is the window's winner. Windows past pw read as 0, so the
 * columns past 2·pw are written 0 by the same stores. */
NK_AVX512 void nk_unpool_wide_avx512(const float *gradient, const float *pooled, const int32_t *winners, int act,
                                     long ph, long pw, long wp, float *wide)
{
    const __m512i low_half = _mm512_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
    const __m512i high_half = _mm512_add_epi32(low_half, _mm512_set1_epi32(8));
    const __m512i parity = _mm512_setr_epi32(0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1);
    const __m512i lower = _mm512_add_epi32(parity, _mm512_set1_epi32(2));
    for (long r = 0; r < ph; r++) {
        float *top = wide + 2 * r * wp, *bottom = top + wp;
        for (long k = 0; k < wp; k += 32) {
            const long c = k / 2, at = r * pw + c;
            const __mmask16 lanes = nk_mask16(pw - c), first = nk_mask16(wp - k), second = nk_mask16(wp - k - 16);
            __m512 g = _mm512_maskz_loadu_ps(lanes, gradient + at);
            if (act == NK_ACT_RELU)
                g = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(_mm512_maskz_loadu_ps(lanes, pooled + at), _mm512_setzero_ps(), _CMP_GT_OQ), g);
            __m512i w = _mm512_maskz_loadu_epi32(lanes, winners + at);
            __m512 g0 = _mm512_permutexvar_ps(low_half, g), g1 = _mm512_permutexvar_ps(high_half, g);
            __m512i w0 = _mm512_permutexvar_epi32(low_half, w), w1 = _mm512_permutexvar_epi32(high_half, w);
            _mm512_mask_storeu_ps(top + k, first, _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(w0, parity), g0));
            _mm512_mask_storeu_ps(bottom + k, first, _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(w0, lower), g0));
            _mm512_mask_storeu_ps(top + k + 16, second, _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(w1, parity), g1));
            _mm512_mask_storeu_ps(bottom + k + 16, second, _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(w1, lower), g1));
        }
    }
}
#endif
