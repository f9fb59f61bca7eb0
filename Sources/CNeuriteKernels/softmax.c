/*
 * Softmax of each row of a row-major matrix: the classification head's link
 * and the heart of softmax cross-entropy.
 *
 * WHY in C: the Swift loops called the C library's expf once per element
 * (scalar), twice per training step for the loss (log-softmax forward, exp of
 * it backward) and once more for the predictions the metrics read. For a
 * character model (2048 rows × 64 classes per step) that was ~10% of an LSTM's
 * training step and ~25% of a SimpleRNN's. Here exp is the Cephes polynomial
 * of the activations (avx2_common.h), 8 lanes at a time where AVX2 is in use.
 *
 * Each row: m = max, e_j = exp(x_j − m), s = Σ e_j; the row becomes e_j / s and
 * m and s are returned, so that a caller needing log-softmax or the
 * log-sum-exp (m + log s) takes one log per row (C targets have no libm).
 */
#include <math.h>
#include "NeuriteKernels.h"
#include "gemm_internal.h"
#include "avx2_common.h"

static void softmax_row(long columns, const float *x, float *out, float *row_max, float *row_sum)
{
    float m = x[0], s = 0.0f;
    for (long j = 1; j < columns; j++) m = x[j] > m ? x[j] : m;
    for (long j = 0; j < columns; j++) { out[j] = nk_expf(x[j] - m); s += out[j]; }
    for (long j = 0; j < columns; j++) out[j] /= s;
    *row_max = m;
    *row_sum = s;
}

#if defined(__x86_64__)
/* A row's last partial vector is loaded masked, its missing lanes as −∞ for
 * the max and with their exponentials zeroed for the sum, and the max is
 * reduced in registers: with a scalar tail and reductions through memory,
 * a row of 10 classes took 35 ns, mostly outside the one full vector. */
NK_AVX2 static void softmax_row_avx2(long columns, const float *x, float *out, float *row_max, float *row_sum)
{
    const long full = columns & ~7L;
    const __m256i tail = nk_mask8(columns - full);
    const __m256 tail_lanes = _mm256_castsi256_ps(tail), minus_infinity = _mm256_set1_ps(-INFINITY);
    const __m256 last = _mm256_blendv_ps(minus_infinity, _mm256_maskload_ps(x + full, tail), tail_lanes);
    __m256 vm = last;
    for (long j = 0; j < full; j += 8) vm = _mm256_max_ps(vm, _mm256_loadu_ps(x + j));
    vm = _mm256_max_ps(vm, _mm256_permute2f128_ps(vm, vm, 1));
    vm = _mm256_max_ps(vm, _mm256_shuffle_ps(vm, vm, _MM_SHUFFLE(1, 0, 3, 2)));
    vm = _mm256_max_ps(vm, _mm256_shuffle_ps(vm, vm, _MM_SHUFFLE(2, 3, 0, 1)));
    const float m = _mm256_cvtss_f32(vm);

    const __m256 shift = _mm256_set1_ps(m);
    __m256 vs = _mm256_setzero_ps();
    for (long j = 0; j < full; j += 8) {
        __m256 e = nk_exp256(_mm256_sub_ps(_mm256_loadu_ps(x + j), shift));
        _mm256_storeu_ps(out + j, e);
        vs = _mm256_add_ps(vs, e);
    }
    const __m256 last_e = _mm256_and_ps(nk_exp256(_mm256_sub_ps(last, shift)), tail_lanes);
    vs = _mm256_add_ps(vs, last_e);
    float lanes[8];
    _mm256_storeu_ps(lanes, vs);
    float s = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));

    const __m256 scale = _mm256_set1_ps(1.0f / s);
    for (long j = 0; j < full; j += 8) _mm256_storeu_ps(out + j, _mm256_mul_ps(_mm256_loadu_ps(out + j), scale));
    _mm256_maskstore_ps(out + full, tail, _mm256_mul_ps(last_e, scale));
    *row_max = m;
    *row_sum = s;
}
#endif

void nk_softmax_rows(long rows, long columns, const float *input, float *output, float *row_max, float *row_sum)
{
    if (columns <= 0) return;
#if defined(__x86_64__)
    if (nk_kernel_uses_avx2()) {
        for (long i = 0; i < rows; i++)
            softmax_row_avx2(columns, input + i * columns, output + i * columns, row_max + i, row_sum + i);
        return;
    }
#endif
    for (long i = 0; i < rows; i++)
        softmax_row(columns, input + i * columns, output + i * columns, row_max + i, row_sum + i);
}
