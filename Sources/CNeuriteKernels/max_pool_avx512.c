/*
 * 2×2, stride-2 max pooling, forward, with AVX-512 (see max_pool.c for the
 * rule: strict comparisons, so the first maximum in row-major order wins
 * and NaN never does).
 *
 * WHY: the portable loop reads every other float of two rows, which the
 * compiler turns into SSE shuffles; it was LeNet's most expensive step
 * after the convolutions (~2.6 cycles per input float). Here 16 windows at
 * a time: two permutes per row split 32 floats into left and right
 * columns, three compare-and-blend steps pick the winner and its offset
 * (nk_max_pool_2x2_16 in avx512_common.h, shared with the pooling fused into
 * the convolution).
 */
#include "NeuriteKernels.h"
#include "direct_conv.h"

#if defined(__x86_64__)
#include "avx512_common.h"

NK_AVX512 void nk_max_pool_2x2_avx512(const float *input, long height, long width, long out_height, long out_width,
                                      long p0, long p1, float *output, int32_t *positions)
{
    const long in_plane = height * width, out_plane = out_height * out_width;
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i one = _mm512_set1_epi32(1), below = _mm512_set1_epi32((int)width);
    for (long p = p0; p < p1; p++)
    for (long r = 0; r < out_height; r++) {
        const long row_start = 2 * r * width;
        const float *top = input + p * in_plane + row_start, *bottom = top + width;
        float *dst = output + p * out_plane + r * out_width;
        int32_t *win = positions + p * out_plane + r * out_width;
        for (long c = 0; c < out_width; c += 16) {
            const long n = out_width - c < 16 ? out_width - c : 16;  /* windows here */
            const __mmask16 lanes = nk_mask16(n), first = nk_mask16(2 * n), second = nk_mask16(2 * n - 16);
            __mmask16 up_right, low_right, lower_wins;
            __m512 best = nk_max_pool_2x2_16(
                _mm512_maskz_loadu_ps(first, top + 2 * c), _mm512_maskz_loadu_ps(second, top + 2 * c + 16),
                _mm512_maskz_loadu_ps(first, bottom + 2 * c), _mm512_maskz_loadu_ps(second, bottom + 2 * c + 16),
                &up_right, &low_right, &lower_wins);
            _mm512_mask_storeu_ps(dst + c, lanes, best);
            /* row_start + 2c + (lower_wins ? width + low_right : up_right) */
            __m512i column = _mm512_add_epi32(_mm512_set1_epi32((int)(row_start + 2 * c)), even);
            __m512i offset = _mm512_maskz_mov_epi32(up_right, one);
            offset = _mm512_mask_mov_epi32(offset, lower_wins, _mm512_mask_add_epi32(below, low_right, below, one));
            _mm512_mask_storeu_epi32(win + c, lanes, _mm512_add_epi32(column, offset));
        }
    }
}
#endif
