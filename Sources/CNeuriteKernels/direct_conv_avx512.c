/*
 * The AVX-512 inner loops of the direct convolution (direct_conv.c explains
 * the "wide row" grid they run on).
 *
 * WHY: 16 lanes instead of 8, 32 registers instead of 16, and the filter
 * taps broadcast from memory inside the multiply-add. The register tiles
 * grow with the register file:
 *   correlation  8 channels × 32 positions (16 accumulators; AVX2: 6 × 16),
 *                the last 16 positions of a row as 8 × 16;
 *   weights      3 channels × 6 taps (18 accumulators; AVX2: 2 × 6; 4 × 6 spilled),
 *                each summed across its lanes by a shuffle tree (a scalar
 *                loop over the 16 lanes took a third of LeNet's conv2 dW).
 * Lengths stay multiples of 16, as for AVX2, so the grids and their slack
 * are the same for both.
 */
#include "NeuriteKernels.h"
#include "gemm_internal.h"
#include "direct_conv.h"
#include "avx512_common.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define NK_INLINE512 static inline __attribute__((always_inline, target("avx512f")))
typedef float nk_v16 __attribute__((vector_size(64)));
typedef float nk_v16u __attribute__((vector_size(64), aligned(4)));
#define NK_LOAD16(p) (*(const nk_v16u *)(p))
#define NK_STORE16(p, v) (*(nk_v16u *)(p) = (v))

/* The selected GEMM family already honours NEURITE_KERNEL=avx2 / portable (and is cached). */
int nk_conv_avx512_allowed(void) { return nk_select_kernel() == &nk_kernel_avx512; }

/* out[o][k0 .. k0 + 16·nv) for o < ob (≤ 8). */
NK_INLINE512 void nk_corr_tile16(int ob, int nv, const float *x, long channels, long plane, long row, long kh, long kw,
                                 long p0, long p1, const float *w, float *out, long out_stride)
{
    nk_v16 acc[8][2];
    for (int o = 0; o < ob; o++) acc[o][0] = acc[o][1] = (nk_v16){ 0 };
    const long taps = channels * kh * kw;
    for (long c = 0; c < channels; c++)
    for (long p = p0; p < p1; p++) {
        const float *xr = x + c * plane + p * row;
        const float *wr = w + (c * kh + p) * kw;
        for (long q = 0; q < kw; q++) {
            nk_v16 x0 = NK_LOAD16(xr + q), x1 = nv > 1 ? NK_LOAD16(xr + q + 16) : x0;
            for (int o = 0; o < ob; o++) {
                float s = wr[o * taps + q];
                acc[o][0] += x0 * s;
                if (nv > 1) acc[o][1] += x1 * s;
            }
        }
    }
    for (int o = 0; o < ob; o++) {
        NK_STORE16(out + o * out_stride, acc[o][0]);
        if (nv > 1) NK_STORE16(out + o * out_stride + 16, acc[o][1]);
    }
}

#define NK_CORR_CASE(ob)                                                                              \
    case ob:                                                                                          \
        for (k = 0; k + 32 <= length; k += 32) {                                                      \
            nk_live_rows(k, 32 + kw - 1, row, kh, live_begin, live_end, &p0, &p1);                    \
            nk_corr_tile16(ob, 2, x + k, channels, plane, row, kh, kw, p0, p1, wo, oo + k, out_stride); \
        }                                                                                             \
        if (k < length) {                                                                             \
            nk_live_rows(k, 16 + kw - 1, row, kh, live_begin, live_end, &p0, &p1);                    \
            nk_corr_tile16(ob, 1, x + k, channels, plane, row, kh, kw, p0, p1, wo, oo + k, out_stride); \
        }                                                                                             \
        break;

NK_AVX512 void nk_corr_rows_avx512(const float *x, long channels, long plane, long row, long kh, long kw,
                                   const float *w, long out_channels, long length, float *out, long out_stride,
                                   long live_begin, long live_end)
{
    /* Blocks of at most 8 channels, as even as can be (6 → 6, 12 → 6 + 6, 16 → 8 + 8). */
    const long blocks = (out_channels + 7) / 8;
    for (long b = 0; b < blocks; b++) {
        const long o0 = b * out_channels / blocks, o1 = (b + 1) * out_channels / blocks;
        const float *wo = w + o0 * channels * kh * kw;
        float *oo = out + o0 * out_stride;
        long k, p0, p1;
        switch (o1 - o0) {
            NK_CORR_CASE(8) NK_CORR_CASE(7) NK_CORR_CASE(6) NK_CORR_CASE(5)
            NK_CORR_CASE(4) NK_CORR_CASE(3) NK_CORR_CASE(2) NK_CORR_CASE(1)
        }
    }
}

/* dw[o][q] += Σ_s Σ_k dz_s[o][k] · x_s[k + q] for o < ob (≤ 3), q < kw (≤ 6). */
NK_INLINE512 void nk_weight_tile16(int ob, int kw, const float *dz, long dz_plane, long dz_sample, const float *x,
                                   long x_sample, long samples, long length, float *dw, long dw_stride)
{
    nk_v16 acc[3][6];
    for (int o = 0; o < ob; o++)
        for (int q = 0; q < kw; q++) acc[o][q] = (nk_v16){ 0 };
    for (long s = 0; s < samples; s++) {
        const float *d = dz + s * dz_sample, *xs = x + s * x_sample;
        for (long k = 0; k < length; k += 16) {
            nk_v16 dv[3];
            for (int o = 0; o < ob; o++) dv[o] = NK_LOAD16(d + o * dz_plane + k);
            for (int q = 0; q < kw; q++) {
                nk_v16 xv = NK_LOAD16(xs + k + q);
                for (int o = 0; o < ob; o++) acc[o][q] += dv[o] * xv;
            }
        }
    }
    for (int o = 0; o < ob; o++)
        for (int q = 0; q < kw; q++) {
            dw[o * dw_stride + q] += _mm512_reduce_add_ps((__m512)acc[o][q]);
        }
}

#define NK_WEIGHT_CASE16(ob, kw)                                                                      \
    case kw: nk_weight_tile16(ob, kw, d, dz_plane, dz_sample, xr, x_sample, samples, length, out, taps); break;
#define NK_WEIGHT_SWITCH16(ob)                                                                        \
    case ob: switch (kw) {                                                                            \
        NK_WEIGHT_CASE16(ob, 1) NK_WEIGHT_CASE16(ob, 2) NK_WEIGHT_CASE16(ob, 3)                       \
        NK_WEIGHT_CASE16(ob, 4) NK_WEIGHT_CASE16(ob, 5) NK_WEIGHT_CASE16(ob, 6)                       \
    } break;

NK_AVX512 void nk_weight_rows_avx512(long out_channels, long channels, long kh, long kw,
                                     const float *dz, long dz_plane, long dz_sample,
                                     const float *x, long x_plane, long x_row, long x_sample,
                                     long samples, long length, float *dw)
{
    const long taps = channels * kh * kw, blocks = (out_channels + 2) / 3;
    for (long b = 0; b < blocks; b++) {
        const long o0 = b * out_channels / blocks, o1 = (b + 1) * out_channels / blocks;
        const float *d = dz + o0 * dz_plane;
        for (long c = 0; c < channels; c++)
        for (long p = 0; p < kh; p++) {
            const float *xr = x + c * x_plane + p * x_row;
            float *out = dw + ((o0 * channels + c) * kh + p) * kw;
            switch (o1 - o0) { NK_WEIGHT_SWITCH16(3) NK_WEIGHT_SWITCH16(2) NK_WEIGHT_SWITCH16(1) }
        }
    }
}
/* The rows of the wide output gradient under ReLU: ReLU's derivative read
 * through the output, bit for bit as nk_activation_derivative, with the
 * row's thrown-away columns zeroed by the same masked stores (the SSE loop
 * and its scalar tail on 10- and 28-float rows were most of LeNet's
 * backward outside the multiply-adds). */
NK_AVX512 void nk_relu_gradient_row_avx512(const float *gradient, const float *output, float *row, long n, long width)
{
    for (long k = 0; k < width; k += 16) {
        const long inside = n - k, written = width - k;
        const __mmask16 read = (__mmask16)(inside >= 16 ? 0xFFFF : inside <= 0 ? 0 : (1u << inside) - 1);
        const __mmask16 write = (__mmask16)(written >= 16 ? 0xFFFF : (1u << written) - 1);
        __m512 g = _mm512_maskz_loadu_ps(read, gradient + k), y = _mm512_maskz_loadu_ps(read, output + k);
        __mmask16 positive = _mm512_cmp_ps_mask(y, _mm512_setzero_ps(), _CMP_GT_OQ);
        _mm512_mask_storeu_ps(row + k, write, _mm512_maskz_mov_ps(positive, g));
    }
}
#endif
