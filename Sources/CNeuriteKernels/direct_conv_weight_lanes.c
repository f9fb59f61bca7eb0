/*
 * The weight gradient of the direct convolution with the output channels
 * across the 16 AVX-512 lanes, for 12–16 output channels (LeNet's conv2):
 *   dW[o][c][p][q] = Σ_s Σ_{i < out_h, j < out_w} dz_s[o][i·row + j] · x_s[c][(i + p)·row + j + q]
 * with dz and x on the same wide grid (direct_conv.c), rows `row` floats apart.
 *
 * WHY: nk_weight_rows_avx512 puts 16 positions in the lanes. It multiplies
 * the grid's thrown-away columns too (31% of LeNet's conv2 positions), loads
 * more than one operand per two multiply-adds, and sums every accumulator
 * across its lanes for each group of samples. Here each output channel owns
 * a lane: every multiply-add is useful, the input value is broadcast from
 * memory inside the FMA, and no lanes are summed. The output gradient is
 * transposed to [position][channel] first, 16 floats per position (one
 * gather per position, against 25 multiply-adds per position and channel).
 *
 * The sums run over samples, then rows, then columns, in a fixed order, so
 * they do not depend on the threads (the caller fixes the sample groups).
 */
#include "NeuriteKernels.h"
#include "direct_conv.h"

#if defined(__x86_64__)
#include "avx512_common.h"

/* acc[p][q] over filter rows p0 ..< p0 + np (np ≤ P), channel c, for all samples. */
#define NK_LANES_TILE(P, KW)                                                                          \
    static inline NK_AVX512 void nk_lanes_tile_##KW(const float *dzt, const float *xc, long row, long x_sample, \
        long samples, long out_h, long out_w, long np, __m512 *result)                                \
    {                                                                                                 \
        __m512 acc[P][KW];                                                                            \
        for (int p = 0; p < P; p++)                                                                   \
            for (int q = 0; q < KW; q++) acc[p][q] = _mm512_setzero_ps();                             \
        for (long s = 0; s < samples; s++)                                                            \
        for (long i = 0; i < out_h; i++) {                                                            \
            const float *xr = xc + s * x_sample + i * row;                                            \
            const float *d = dzt + (s * out_h + i) * out_w * 16;                                      \
            for (long j = 0; j < out_w; j++) {                                                        \
                const __m512 dv = _mm512_loadu_ps(d + j * 16);                                         \
                for (int p = 0; p < P; p++) {                                                         \
                    if (p >= np) break;                                                               \
                    for (int q = 0; q < KW; q++)                                                      \
                        acc[p][q] = _mm512_fmadd_ps(dv, _mm512_set1_ps(xr[p * row + j + q]), acc[p][q]); \
                }                                                                                     \
            }                                                                                         \
        }                                                                                             \
        for (int p = 0; p < P; p++)                                                                   \
            for (int q = 0; q < KW; q++) result[p * KW + q] = acc[p][q];                              \
    }
/* At most 24–25 accumulators: the rest of the 32 registers hold the operands. */
NK_LANES_TILE(6, 1) NK_LANES_TILE(6, 2) NK_LANES_TILE(6, 3) NK_LANES_TILE(6, 4) NK_LANES_TILE(5, 5) NK_LANES_TILE(4, 6)

NK_AVX512 void nk_weight_lanes_avx512(long out_channels, long channels, long kh, long kw,
                                      const float *dz, long dz_plane, long dz_sample,
                                      const float *x, long x_plane, long row, long x_sample,
                                      long samples, long out_h, long out_w, float *dzt, float *dw)
{
    const __mmask16 used = nk_mask16(out_channels);
    const __m512i planes = _mm512_mullo_epi32(
        _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), _mm512_set1_epi32((int)dz_plane));
    for (long s = 0; s < samples; s++)
    for (long i = 0; i < out_h; i++)
    for (long j = 0; j < out_w; j++)
        _mm512_storeu_ps(dzt + ((s * out_h + i) * out_w + j) * 16,
                        _mm512_mask_i32gather_ps(_mm512_setzero_ps(), used, planes, dz + s * dz_sample + i * row + j, 4));

    const long taps = channels * kh * kw, rows_per_tile = kw == 6 ? 4 : kw == 5 ? 5 : 6;
    __m512 result[25];
    float lanes[16] __attribute__((aligned(64)));
    for (long c = 0; c < channels; c++)
    for (long p0 = 0; p0 < kh; p0 += rows_per_tile) {
        const long np = kh - p0 < rows_per_tile ? kh - p0 : rows_per_tile;
        const float *xc = x + c * x_plane + p0 * row;
        switch (kw) {
        case 1: nk_lanes_tile_1(dzt, xc, row, x_sample, samples, out_h, out_w, np, result); break;
        case 2: nk_lanes_tile_2(dzt, xc, row, x_sample, samples, out_h, out_w, np, result); break;
        case 3: nk_lanes_tile_3(dzt, xc, row, x_sample, samples, out_h, out_w, np, result); break;
        case 4: nk_lanes_tile_4(dzt, xc, row, x_sample, samples, out_h, out_w, np, result); break;
        case 5: nk_lanes_tile_5(dzt, xc, row, x_sample, samples, out_h, out_w, np, result); break;
        default: nk_lanes_tile_6(dzt, xc, row, x_sample, samples, out_h, out_w, np, result); break;
        }
        for (long p = 0; p < np; p++)
        for (long q = 0; q < kw; q++) {
            _mm512_store_ps(lanes, result[p * kw + q]);
            for (long o = 0; o < out_channels; o++) dw[o * taps + (c * kh + p0 + p) * kw + q] += lanes[o];
        }
    }
}
#endif
