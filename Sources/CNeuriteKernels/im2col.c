/*
 * im2col / col2im for the convolution (see Sources/Neurite/Kernels/Im2Col.swift
 * for the layout). The loops are those of the Swift version; only the
 * innermost copy differs.
 *
 * WHY C: an output row is short (LeNet: 28 and 10 floats), and in Swift each
 * row segment became a call to memmove plus two zero fills: memmove alone was
 * 7.8% of a LeNet epoch, im2col and col2im another 7.3% and 5.5%. Here the
 * copies are inline loops (restrict, vectorised with a short tail). Threads
 * are the caller's business: these run the samples [s0, s1) of a chunk.
 */
#include "NeuriteKernels.h"

/* Output columns [lo, hi) whose input column for kernel column `tap` is
 * inside the image, and that input column for lo: output column o reads input
 * column o·stride + tap·dilation − pad_left. */
static void nk_valid_columns(const nk_conv_shape *g, long tap, long *lo, long *hi, long *first_input)
{
    long offset = tap * g->dilation - g->pad_left;
    long lower = offset >= 0 ? 0 : (-offset + g->stride - 1) / g->stride;
    long upper = g->width - 1 - offset < 0 ? 0 : (g->width - 1 - offset) / g->stride + 1;
    if (upper > g->out_width) upper = g->out_width;
    if (lower > g->out_width) lower = g->out_width;
    if (upper < lower) upper = lower;
    *lo = lower;
    *hi = upper;
    *first_input = lower * g->stride + offset;
}

void nk_im2col(const float *input, const nk_conv_shape *g, long first, long count,
               long s0, long s1, float *columns)
{
    const long plane = g->out_height * g->out_width, row_length = count * plane;
    const long in_plane = g->height * g->width, ow = g->out_width;
    for (long s = s0; s < s1; s++) {
        const float *image = input + (first + s) * g->channels * in_plane;
        long row = 0;
        for (long c = 0; c < g->channels; c++)
        for (long i = 0; i < g->kernel_height; i++)
        for (long j = 0; j < g->kernel_width; j++, row++) {
            float *dst = columns + row * row_length + s * plane;
            long lo, hi, x0;
            nk_valid_columns(g, j, &lo, &hi, &x0);
            long row_offset = i * g->dilation - g->pad_top;
            for (long r = 0; r < g->out_height; r++) {
                float *restrict t = dst + r * ow;
                long y = r * g->stride + row_offset;
                if (y < 0 || y >= g->height || lo >= hi) {
                    for (long k = 0; k < ow; k++) t[k] = 0.0f;
                    continue;
                }
                const float *restrict src = image + c * in_plane + y * g->width + x0;
                for (long k = 0; k < lo; k++) t[k] = 0.0f;
                if (g->stride == 1)
                    for (long k = 0; k < hi - lo; k++) t[lo + k] = src[k];
                else
                    for (long k = 0; k < hi - lo; k++) t[lo + k] = src[k * g->stride];
                for (long k = hi; k < ow; k++) t[k] = 0.0f;
            }
        }
    }
}

void nk_col2im(const float *columns, const nk_conv_shape *g, long first, long count,
               long s0, long s1, float *gradient)
{
    const long plane = g->out_height * g->out_width, row_length = count * plane;
    const long in_plane = g->height * g->width, ow = g->out_width;
    for (long s = s0; s < s1; s++) {
        float *image = gradient + (first + s) * g->channels * in_plane;
        long row = 0;
        for (long c = 0; c < g->channels; c++)
        for (long i = 0; i < g->kernel_height; i++)
        for (long j = 0; j < g->kernel_width; j++, row++) {
            const float *src = columns + row * row_length + s * plane;
            long lo, hi, x0;
            nk_valid_columns(g, j, &lo, &hi, &x0);
            if (lo >= hi) continue;
            long row_offset = i * g->dilation - g->pad_top;
            for (long r = 0; r < g->out_height; r++) {
                long y = r * g->stride + row_offset;
                if (y < 0 || y >= g->height) continue;
                const float *restrict seg = src + r * ow + lo;
                float *restrict t = image + c * in_plane + y * g->width + x0;
                if (g->stride == 1)
                    for (long k = 0; k < hi - lo; k++) t[k] += seg[k];
                else
                    for (long k = 0; k < hi - lo; k++) t[k * g->stride] += seg[k];
            }
        }
    }
}
