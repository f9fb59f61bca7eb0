/*
 * Direct convolution for stride 1, dilation 1 and few channels (LeNet-5:
 * 1→6 and 6→16 channels, 5×5): forward, weight, bias and input gradients
 * without an im2col matrix (see Sources/Neurite/Kernels/DirectConvolutionKernels.swift).
 *
 * WHY: with 1–16 channels the im2col matrix is 25× the input, written once
 * and packed once more by the GEMM; im2col, col2im and packing were 42% of a
 * LeNet-5 epoch, the GEMM itself 32%. Here every pass reads its operands
 * from L1/L2-sized per-sample buffers.
 *
 * THE "WIDE ROW" TRICK: a sample is copied into a zero-padded buffer of
 * rows of width wp = out_w + kw − 1. On that grid, output k = i·wp + j reads
 * input k + p·wp + q for tap (p, q): the 2-D correlation becomes a 1-D one,
 *   out[o][k] = Σ_c Σ_p Σ_q w[o][c][p][q] · x[c][k + p·wp + q],
 * whose inner loop is contiguous vector loads with no border cases. The
 * columns j ≥ out_w are computed too and thrown away (12% extra work for
 * LeNet's first layer, 40% for its second), which costs less than the
 * gathers they avoid. The same loop, on the output gradient padded by
 * kh − 1, kw − 1 and with the filters flipped, gives the input gradient; the
 * weight gradient is the matching dot product, with the thrown-away columns
 * of the output gradient set to 0.
 *
 * Threads: samples are cut into a fixed number of groups (independent of the
 * thread count); each group sums its own weight and bias gradients, and the
 * groups' sums are added in group order, so results do not depend on the
 * number of threads.
 */
#include "NeuriteKernels.h"
#include "gemm_internal.h"
#include "direct_conv.h"
#include <string.h>

typedef float nk_v8 __attribute__((vector_size(32)));
typedef float nk_v8u __attribute__((vector_size(32), aligned(4)));
#define NK_LOAD(p) (*(const nk_v8u *)(p))

/* Floats readable past a padded buffer's last row (wide loads overrun). */
#define NK_SLACK 32
/* Groups of samples, fixed so that sums do not depend on the threads. */
#define NK_MAX_GROUPS 16

/* The sizes of one call, derived once. */
typedef struct {
    const nk_conv_shape *g;
    long out_channels, samples, groups, group_samples;
    long wp, padded_plane;         /* padded input: hp × wp, plus NK_SLACK */
    long sample_floats;            /* one padded sample with its slack, rounded up to 64 bytes */
    long positions;                /* wide output: out_h·wp, rounded up to NK_TILE */
    long front;                    /* zeros before each plane of the output gradient */
    long gradient_plane;           /* one plane of the output gradient, margins included */
    long input_positions;          /* wide input gradient: hp·wp, rounded up */
    long taps;                     /* channels·kh·kw: one filter */
    long lanes;                    /* the transposed output gradient of nk_weight_lanes_avx512, or 0 */
    long per_group;                /* scratch floats of one group */
} nk_direct_sizes;

static nk_direct_sizes nk_direct_sizes_of(const nk_conv_shape *g, long out_channels, long samples)
{
    nk_direct_sizes z = { g, out_channels, samples, samples < NK_MAX_GROUPS ? samples : NK_MAX_GROUPS };
    z.group_samples = z.groups ? (samples + z.groups - 1) / z.groups : 0;
    long hp = g->out_height + g->kernel_height - 1;
    z.wp = g->out_width + g->kernel_width - 1;
    z.padded_plane = hp * z.wp;
    z.positions = nk_round_up(g->out_height * z.wp, NK_TILE);
    z.input_positions = nk_round_up(hp * z.wp, NK_TILE);
    /* Every area of the scratch starts on 64 bytes (its base does), so that
     * full-width rows of the wide grids are stored without splitting cache
     * lines: front, gradient_plane and sample_floats are multiples of 16. */
    z.sample_floats = nk_round_up(g->channels * z.padded_plane + NK_SLACK, 16);
    z.front = nk_round_up((g->kernel_height - 1) * z.wp + g->kernel_width - 1, 16);
    z.gradient_plane = z.front + z.input_positions + NK_TILE;
    z.taps = g->channels * g->kernel_height * g->kernel_width;
    /* With 12–16 output channels, the AVX-512 weight gradient puts them in
     * the lanes (direct_conv_weight_lanes.c); its gathers take int32 offsets. */
    const int lanes = out_channels >= 12 && out_channels <= 16 && z.gradient_plane < (1L << 26);
    z.lanes = lanes ? z.group_samples * g->out_height * g->out_width * 16 : 0;
    /* Backward needs most: the group's padded samples and output gradients,
     * one wide input gradient and the transposed output gradient. */
    z.per_group = z.group_samples * (z.sample_floats + out_channels * z.gradient_plane)
        + g->channels * z.input_positions + z.lanes;
    return z;
}

long nk_direct_conv_scratch(const nk_conv_shape *g, long out_channels, long samples)
{
    nk_direct_sizes z = nk_direct_sizes_of(g, out_channels, samples);
    /* The groups' areas, their weight and bias gradients, the flipped filters. */
    return z.groups * (z.per_group + out_channels * z.taps + out_channels) + out_channels * z.taps;
}

/* Whether the padded grid is the image itself: no padding, and rows as
 * wide as the image's (a "valid" convolution, LeNet's second). Then one copy
 * moves a sample, instead of one per row (84 for LeNet's conv2, whose copy
 * calls were most of the time spent copying). */
static int nk_grid_is_image(const nk_direct_sizes *z)
{
    return z->g->pad_top == 0 && z->g->pad_left == 0 && z->padded_plane == z->g->height * z->g->width
        && z->wp == z->g->width;
}

/* Copies one NCHW sample into the zero-padded grid (rows wp apart, zero slack). */
static void nk_pad_sample(const nk_direct_sizes *z, const float *image, float *padded)
{
    const nk_conv_shape *g = z->g;
    if (nk_grid_is_image(z)) {
        const long floats = g->channels * z->padded_plane;
        memcpy(padded, image, (size_t)floats * sizeof(float));
        memset(padded + floats, 0, NK_SLACK * sizeof(float));
        return;
    }
    memset(padded, 0, (size_t)(g->channels * z->padded_plane + NK_SLACK) * sizeof(float));
    for (long c = 0; c < g->channels; c++)
    for (long i = 0; i < g->height; i++)
        memcpy(padded + c * z->padded_plane + (i + g->pad_top) * z->wp + g->pad_left,
               image + (c * g->height + i) * g->width, (size_t)g->width * sizeof(float));
}

typedef struct {
    nk_direct_sizes z;
    const float *input, *weight, *bias, *gradient, *output;
    float *result, *input_gradient, *scratch, *weight_partials, *bias_partials, *flipped;
    /* With pooling fused (direct_conv_pool.c): the winners of the 2×2 windows,
     * written forward, read backward; result, output and gradient are then
     * the pooled tensors. */
    int32_t *winners_result;
    const int32_t *winners;
    int act, wants_weight;
    nk_corr_rows_fn corr_rows;
    nk_weight_rows_fn weight_rows;
    int weight_lanes;  /* whether nk_weight_lanes_avx512 takes the weight gradient */
    /* ReLU's rows of the wide output gradient, where the ISA has a loop for them. */
    void (*relu_gradient_row)(const float *, const float *, float *, long, long);
    nk_pool_wide_fn pool_wide;
    nk_unpool_wide_fn unpool_wide;
} nk_direct_job;

static nk_direct_job nk_direct_job_make(const nk_conv_shape *g, long out_channels, long samples, float *scratch)
{
    nk_direct_job j = { nk_direct_sizes_of(g, out_channels, samples) };
    j.scratch = scratch;
    j.corr_rows = nk_corr_rows_portable;
    j.weight_rows = nk_weight_rows_portable;
    j.pool_wide = nk_pool_wide_portable;
    j.unpool_wide = nk_unpool_wide_portable;
#if defined(__x86_64__)
    if (nk_conv_avx512_allowed()) {
        j.corr_rows = nk_corr_rows_avx512;
        j.weight_rows = nk_weight_rows_avx512;
        j.weight_lanes = j.z.lanes > 0;
        j.relu_gradient_row = nk_relu_gradient_row_avx512;
        j.pool_wide = nk_pool_wide_avx512;
        j.unpool_wide = nk_unpool_wide_avx512;
    } else if (nk_kernel_uses_avx2()) {
        j.corr_rows = nk_corr_rows_avx2;
        j.weight_rows = nk_weight_rows_avx2;
    }
#endif
    float *tail = scratch + j.z.groups * j.z.per_group;
    j.weight_partials = tail;
    j.bias_partials = tail + j.z.groups * out_channels * j.z.taps;
    j.flipped = j.bias_partials + j.z.groups * out_channels;
    return j;
}

/* Areas beyond this many floats (1 MB, about a core's L2) stay in the
 * scratch: a thread keeps its area, and there they would not stay cached. */
#define NK_LARGEST_THREAD_AREA (1L << 18)

/* The group's working area of `floats` floats: its thread's
 * (direct_conv_thread_area.c), or the group's own part of the scratch. */
static float *nk_group_area(const nk_direct_job *j, int group, long floats)
{
    float *area = floats <= NK_LARGEST_THREAD_AREA ? nk_direct_conv_thread_area((size_t)floats) : NULL;
    return area ? area : j->scratch + group * j->z.per_group;
}

static void nk_forward_task(void *context, int group)
{
    const nk_direct_job *j = context;
    const nk_direct_sizes *z = &j->z;
    const nk_conv_shape *g = z->g;
    float *padded = nk_group_area(j, group, z->sample_floats + z->out_channels * z->positions);
    float *wide = padded + z->sample_floats;
    const long plane = g->out_height * g->out_width, oc = z->out_channels;
    for (long s = group * z->samples / z->groups; s < (group + 1) * z->samples / z->groups; s++) {
        nk_pad_sample(z, j->input + s * g->channels * g->height * g->width, padded);
        j->corr_rows(padded, g->channels, z->padded_plane, z->wp, g->kernel_height, g->kernel_width,
                     j->weight, oc, z->positions, wide, z->positions,
                     g->pad_top * z->wp, (g->pad_top + g->height) * z->wp);
        if (j->winners_result) {
            const long pooled_plane = (g->out_height / 2) * (g->out_width / 2);
            for (long o = 0; o < oc; o++)
                j->pool_wide(wide + o * z->positions, z->wp, j->bias ? j->bias[o] : 0.0f, j->act, g->out_height / 2,
                             g->out_width / 2, j->result + (s * oc + o) * pooled_plane, j->winners_result + (s * oc + o) * pooled_plane);
            continue;
        }
        for (long o = 0; o < oc; o++) {
            const float b = j->bias ? j->bias[o] : 0.0f;
            for (long i = 0; i < g->out_height; i++) {
                const float *restrict source = wide + o * z->positions + i * z->wp;
                float *restrict d = j->result + (s * oc + o) * plane + i * g->out_width;
                if (j->act == NK_ACT_RELU)  /* as Swift.max(v, 0): +0 for ±0, NaN kept */
                    for (long k = 0; k < g->out_width; k++) { float v = source[k] + b; d[k] = 0.0f >= v ? 0.0f : v; }
                else
                    for (long k = 0; k < g->out_width; k++) d[k] = source[k] + b;
            }
        }
    }
}

void nk_direct_conv_forward(const float *input, const float *weight, const float *bias, int activation,
                            const nk_conv_shape *g, long out_channels, long samples, float *scratch, float *output)
{
    nk_direct_conv_pool_forward(input, weight, bias, activation, g, out_channels, samples, scratch, output, NULL);
}

void nk_direct_conv_pool_forward(const float *input, const float *weight, const float *bias, int activation,
                                 const nk_conv_shape *g, long out_channels, long samples, float *scratch,
                                 float *pooled, int32_t *winners)
{
    nk_direct_job j = nk_direct_job_make(g, out_channels, samples, scratch);
    j.input = input; j.weight = weight; j.bias = bias; j.act = activation; j.result = pooled; j.winners_result = winners;
    nk_parallel_for((int)j.z.groups, nk_forward_task, &j);
}

/* d = g ⊙ act′ through the output y, exactly as channel_major.c (the
 * separate activation layers' operand order, no fused multiply-add), so a
 * conv with a fused activation matches the conv and activation written apart. */
static void nk_activation_derivative(int act, const float *restrict g, const float *restrict y, float *restrict d, long n)
{
#pragma clang fp contract(off)
    switch (act) {
    case NK_ACT_RELU:
        for (long k = 0; k < n; k++) { float gk = g[k], yk = y[k]; d[k] = yk > 0.0f ? gk : 0.0f; }
        break;
    case NK_ACT_SIGMOID:
        for (long k = 0; k < n; k++) d[k] = g[k] * y[k] * (1.0f - y[k]);
        break;
    case NK_ACT_TANH:
        for (long k = 0; k < n; k++) d[k] = g[k] * (1.0f - y[k] * y[k]);
        break;
    default:
        memcpy(d, g, (size_t)n * sizeof(float));
    }
}

/* dz = gradient ⊙ act′ on the wide grid, each plane after `front` zeros:
 * the thrown-away columns and the margins are 0. Only those are zeroed,
 * not the whole plane first (that memset was 12% of conv1's backward), and
 * without an input gradient only the positions the sums read (no margins:
 * LeNet's conv1, whose input is the data). */
static void nk_wide_output_gradient(const nk_direct_job *j, long s, float *wide)
{
    const nk_direct_sizes *z = &j->z;
    const nk_conv_shape *g = z->g;
    const long plane = g->out_height * g->out_width, gap = z->wp - g->out_width;
    for (long o = 0; o < z->out_channels; o++) {
        float *row = wide + o * z->gradient_plane + z->front;
        float *end = j->input_gradient ? wide + (o + 1) * z->gradient_plane : row + z->positions;
        if (j->input_gradient) memset(wide + o * z->gradient_plane, 0, (size_t)z->front * sizeof(float));
        if (j->winners) {  /* an odd last row is zeroed with the tail below */
            const long ph = g->out_height / 2, pw = g->out_width / 2, at = (s * z->out_channels + o) * ph * pw;
            j->unpool_wide(j->gradient + at, j->output + at, j->winners + at, j->act, ph, pw, z->wp, row);
            row += 2 * ph * z->wp;
        } else
        for (long i = 0; i < g->out_height; i++, row += z->wp) {
            const long at = (s * z->out_channels + o) * plane + i * g->out_width;
            if (j->act == NK_ACT_RELU && j->relu_gradient_row) {
                j->relu_gradient_row(j->gradient + at, j->output + at, row, g->out_width, z->wp);
                continue;
            }
            nk_activation_derivative(j->act, j->gradient + at, j->output + at, row, g->out_width);
            for (long k = 0; k < gap; k++) row[g->out_width + k] = 0.0f;  /* a few floats: no memset call */
        }
        memset(row, 0, (size_t)(end - row) * sizeof(float));
    }
}

static void nk_backward_task(void *context, int group)
{
    const nk_direct_job *j = context;
    const nk_direct_sizes *z = &j->z;
    const nk_conv_shape *g = z->g;
    const long c_in = g->channels, oc = z->out_channels, kh = g->kernel_height, kw = g->kernel_width;
    const long sample_floats = z->sample_floats, in_plane = g->height * g->width;
    float *padded = nk_group_area(j, group, z->per_group);
    float *wide = padded + z->group_samples * sample_floats;
    float *input_wide = wide + z->group_samples * oc * z->gradient_plane;
    const long s0 = group * z->samples / z->groups, s1 = (group + 1) * z->samples / z->groups;
    for (long s = s0; s < s1; s++) {
        float *dz = wide + (s - s0) * oc * z->gradient_plane;
        nk_wide_output_gradient(j, s, dz);
        if (j->wants_weight) nk_pad_sample(z, j->input + s * c_in * in_plane, padded + (s - s0) * sample_floats);
        if (!j->input_gradient) continue;
        /* dX on the padded input's grid: dX[m] = Σ w[p][q] · dz[m − p·wp − q],
         * a correlation with the flipped filters starting (kh − 1)·wp + kw − 1
         * floats before dz. A read left of column 0 lands in the previous
         * row's thrown-away columns, which are 0, as are the margins. */
        const long before = (kh - 1) * z->wp + kw - 1;  /* dz's row 0 is this far into the grid read */
        j->corr_rows(dz + z->front - before, oc, z->gradient_plane, z->wp, kh, kw, j->flipped,
                     c_in, z->input_positions, input_wide, z->input_positions,
                     before, before + g->out_height * z->wp);
        if (nk_grid_is_image(z))
            for (long c = 0; c < c_in; c++)
                memcpy(j->input_gradient + (s * c_in + c) * in_plane, input_wide + c * z->input_positions,
                       (size_t)in_plane * sizeof(float));
        else
        for (long c = 0; c < c_in; c++)
        for (long i = 0; i < g->height; i++)
            memcpy(j->input_gradient + (s * c_in + c) * in_plane + i * g->width,
                   input_wide + c * z->input_positions + (i + g->pad_top) * z->wp + g->pad_left,
                   (size_t)g->width * sizeof(float));
    }
    float *bias = j->bias_partials + group * oc;
    for (long o = 0; o < oc; o++) {
        nk_v8 lanes = { 0 };
        for (long s = s0; s < s1; s++) {
            const float *d = wide + ((s - s0) * oc + o) * z->gradient_plane + z->front;
            for (long k = 0; k < z->positions; k += 8) lanes += NK_LOAD(d + k);
        }
        bias[o] = ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
    }
    if (!j->wants_weight) return;
    float *weight = j->weight_partials + group * oc * z->taps;
    memset(weight, 0, (size_t)(oc * z->taps) * sizeof(float));
#if defined(__x86_64__)
    if (j->weight_lanes) {
        nk_weight_lanes_avx512(oc, c_in, kh, kw, wide + z->front, z->gradient_plane, oc * z->gradient_plane,
                               padded, z->padded_plane, z->wp, sample_floats, s1 - s0, g->out_height, g->out_width,
                               input_wide + c_in * z->input_positions, weight);
        return;
    }
#endif
    j->weight_rows(oc, c_in, kh, kw, wide + z->front, z->gradient_plane, oc * z->gradient_plane,
                   padded, z->padded_plane, z->wp, sample_floats, s1 - s0, z->positions, weight);
}

void nk_direct_conv_backward(const float *gradient, const float *output, int activation, const float *input,
                             const float *weight, const nk_conv_shape *g, long out_channels, long samples,
                             float *scratch, float *input_gradient, float *weight_gradient, float *bias_gradient)
{
    nk_direct_conv_pool_backward(gradient, output, NULL, activation, input, weight, g, out_channels, samples, scratch,
                                 input_gradient, weight_gradient, bias_gradient);
}

void nk_direct_conv_pool_backward(const float *gradient, const float *output, const int32_t *winners,
                                  int activation, const float *input, const float *weight,
                                  const nk_conv_shape *g, long out_channels, long samples, float *scratch,
                                  float *input_gradient, float *weight_gradient, float *bias_gradient)
{
    nk_direct_job j = nk_direct_job_make(g, out_channels, samples, scratch);
    j.gradient = gradient; j.output = output; j.winners = winners; j.act = activation; j.input = input;
    j.input_gradient = input_gradient; j.wants_weight = weight_gradient != NULL;
    const long kh = g->kernel_height, kw = g->kernel_width, taps = j.z.taps;
    if (input_gradient)  /* flipped[c][o][p][q] = weight[o][c][kh−1−p][kw−1−q] */
        for (long o = 0; o < out_channels; o++)
        for (long c = 0; c < g->channels; c++)
        for (long p = 0; p < kh; p++)
        for (long q = 0; q < kw; q++)
            j.flipped[((c * out_channels + o) * kh + p) * kw + q] = weight[o * taps + (c * kh + kh - 1 - p) * kw + kw - 1 - q];
    nk_parallel_for((int)j.z.groups, nk_backward_task, &j);
    if (j.z.groups == 0) {  /* no samples: no group writes a sum, and the gradients are zero */
        if (bias_gradient) memset(bias_gradient, 0, (size_t)out_channels * sizeof(float));
        if (weight_gradient) memset(weight_gradient, 0, (size_t)(out_channels * taps) * sizeof(float));
    }
    /* The groups' sums, added in group order. */
    for (long group = 0; group < j.z.groups; group++) {
        for (long o = 0; bias_gradient && o < out_channels; o++)
            bias_gradient[o] = group ? bias_gradient[o] + j.bias_partials[group * out_channels + o] : j.bias_partials[o];
        for (long k = 0; weight_gradient && k < out_channels * taps; k++)
            weight_gradient[k] = group ? weight_gradient[k] + j.weight_partials[group * out_channels * taps + k]
                                       : j.weight_partials[k];
    }
}
