/*
 * The portable and AVX2 register tiles of the direct convolution
 * (direct_conv.c explains the "wide row" grid they run on;
 * direct_conv_avx512.c has the AVX-512 ones): one correlation tile of up to
 * 6 channels × 16 positions, one weight-gradient tile of up to 2 channels ×
 * 6 taps, compiled once for the baseline ISA and once for AVX2+FMA.
 */
#include "direct_conv.h"

typedef float nk_v8 __attribute__((vector_size(32)));
typedef float nk_v8u __attribute__((vector_size(32), aligned(4)));
#define NK_INLINE static inline __attribute__((always_inline))
#define NK_LOAD(p) (*(const nk_v8u *)(p))
#define NK_STORE(p, v) (*(nk_v8u *)(p) = (v))

/* out[o][k0 .. k0+16) for o < ob: the 1-D correlation of direct_conv.c over channels
 * planes of x (plane floats apart, rows `row` floats), filter rows p0 ..< p1.
 * w: [ob][channels][kh][kw]. */
NK_INLINE void nk_corr_tile(int ob, const float *x, long channels, long plane, long row, long kh, long kw,
                            long p0, long p1, const float *w, float *out, long out_stride)
{
    nk_v8 acc[6][2];
    for (int o = 0; o < ob; o++) acc[o][0] = acc[o][1] = (nk_v8){ 0 };
    const long taps = channels * kh * kw;
    for (long c = 0; c < channels; c++)
    for (long p = p0; p < p1; p++) {
        const float *xr = x + c * plane + p * row;
        const float *wr = w + (c * kh + p) * kw;
        for (long q = 0; q < kw; q++) {
            nk_v8 x0 = NK_LOAD(xr + q), x1 = NK_LOAD(xr + q + 8);
            for (int o = 0; o < ob; o++) {
                float s = wr[o * taps + q];
                acc[o][0] += x0 * s;
                acc[o][1] += x1 * s;
            }
        }
    }
    for (int o = 0; o < ob; o++) {
        NK_STORE(out + o * out_stride, acc[o][0]);
        NK_STORE(out + o * out_stride + 8, acc[o][1]);
    }
}

/* dw[o][q] += Σ_s Σ_k dz_s[o][k] · x_s[k + q] for o < ob (≤ 2), q < kw (≤ 6),
 * k over `length` (a multiple of 8); dz rows dz_row apart, samples
 * dz_sample / x_sample apart. */
NK_INLINE void nk_weight_tile(int ob, int kw, const float *dz, long dz_row, long dz_sample, const float *x,
                              long x_sample, long samples, long length, float *dw, long dw_row)
{
    nk_v8 acc[2][6];
    for (int o = 0; o < ob; o++)
        for (int q = 0; q < kw; q++) acc[o][q] = (nk_v8){ 0 };
    for (long s = 0; s < samples; s++) {
        const float *d = dz + s * dz_sample, *xs = x + s * x_sample;
        for (long k = 0; k < length; k += 8) {
            nk_v8 d0 = NK_LOAD(d + k), d1 = ob > 1 ? NK_LOAD(d + dz_row + k) : d0;
            for (int q = 0; q < kw; q++) {
                nk_v8 xv = NK_LOAD(xs + k + q);
                acc[0][q] += d0 * xv;
                if (ob > 1) acc[1][q] += d1 * xv;
            }
        }
    }
    for (int o = 0; o < ob; o++)
        for (int q = 0; q < kw; q++) {
            nk_v8 a = acc[o][q];
            dw[o * dw_row + q] += ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]));
        }
}

/* The tiles with ob, kw as constants (unrolled, accumulators in registers),
 * once for the baseline ISA and once for AVX2+FMA; direct_conv_avx512.c has
 * wider ones, taken where the CPU has AVX-512 (see direct_conv.h). */
#define NK_CORR_ROWS(suffix, attribute)                                                              \
    attribute void nk_corr_rows_##suffix(const float *x, long channels, long plane, long row,  \
        long kh, long kw, const float *w, long out_channels, long length, float *out, long out_stride,  \
        long live_begin, long live_end)                                                               \
    {                                                                                                 \
        for (long o = 0; o < out_channels; o += 6) {                                                  \
            const float *wo = w + o * channels * kh * kw;                                             \
            float *oo = out + o * out_stride;                                                         \
            for (long k = 0; k < length; k += NK_TILE) {                                              \
                long p0, p1;                                                                          \
                nk_live_rows(k, NK_TILE + kw - 1, row, kh, live_begin, live_end, &p0, &p1);           \
                switch (out_channels - o < 6 ? out_channels - o : 6) {                                \
                case 6: nk_corr_tile(6, x + k, channels, plane, row, kh, kw, p0, p1, wo, oo + k, out_stride); break; \
                case 5: nk_corr_tile(5, x + k, channels, plane, row, kh, kw, p0, p1, wo, oo + k, out_stride); break; \
                case 4: nk_corr_tile(4, x + k, channels, plane, row, kh, kw, p0, p1, wo, oo + k, out_stride); break; \
                case 3: nk_corr_tile(3, x + k, channels, plane, row, kh, kw, p0, p1, wo, oo + k, out_stride); break; \
                case 2: nk_corr_tile(2, x + k, channels, plane, row, kh, kw, p0, p1, wo, oo + k, out_stride); break; \
                default: nk_corr_tile(1, x + k, channels, plane, row, kh, kw, p0, p1, wo, oo + k, out_stride); break; \
                }                                                                                     \
            }                                                                                         \
        }                                                                                             \
    }
#define NK_WEIGHT_CASE(ob, kw)                                                                        \
    case kw: nk_weight_tile(ob, kw, d, dz_plane, dz_sample, xr, x_sample, samples, length, out, taps); break;
#define NK_WEIGHT_ROWS(suffix, attribute)                                                             \
    attribute void nk_weight_rows_##suffix(long out_channels, long channels, long kh, long kw,  \
        const float *dz, long dz_plane, long dz_sample, const float *x, long x_plane, long x_row,     \
        long x_sample, long samples, long length, float *dw)                                          \
    {                                                                                                 \
        const long taps = channels * kh * kw;                                                         \
        for (long o = 0; o < out_channels; o += 2)                                                    \
        for (long c = 0; c < channels; c++)                                                           \
        for (long p = 0; p < kh; p++) {                                                               \
            const float *d = dz + o * dz_plane, *xr = x + c * x_plane + p * x_row;                    \
            float *out = dw + ((o * channels + c) * kh + p) * kw;                                     \
            if (out_channels - o > 1) switch (kw) {                                                   \
                NK_WEIGHT_CASE(2, 1) NK_WEIGHT_CASE(2, 2) NK_WEIGHT_CASE(2, 3)                        \
                NK_WEIGHT_CASE(2, 4) NK_WEIGHT_CASE(2, 5) NK_WEIGHT_CASE(2, 6)                        \
            } else switch (kw) {                                                                      \
                NK_WEIGHT_CASE(1, 1) NK_WEIGHT_CASE(1, 2) NK_WEIGHT_CASE(1, 3)                        \
                NK_WEIGHT_CASE(1, 4) NK_WEIGHT_CASE(1, 5) NK_WEIGHT_CASE(1, 6)                        \
            }                                                                                         \
        }                                                                                             \
    }

NK_CORR_ROWS(portable, )
NK_WEIGHT_ROWS(portable, )
#if defined(__x86_64__)
#define NK_AVX2_TARGET __attribute__((target("avx2,fma")))
NK_CORR_ROWS(avx2, NK_AVX2_TARGET)
NK_WEIGHT_ROWS(avx2, NK_AVX2_TARGET)
#endif
