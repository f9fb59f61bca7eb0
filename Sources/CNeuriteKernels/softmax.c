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
NK_AVX2 static void softmax_row_avx2(long columns, const float *x, float *out, float *row_max, float *row_sum)
{
    long j = 0;
    __m256 vm = _mm256_set1_ps(x[0]);
    for (; j + 8 <= columns; j += 8) vm = _mm256_max_ps(vm, _mm256_loadu_ps(x + j));
    float lanes[8];
    _mm256_storeu_ps(lanes, vm);
    float m = lanes[0];
    for (int l = 1; l < 8; l++) m = lanes[l] > m ? lanes[l] : m;
    for (; j < columns; j++) m = x[j] > m ? x[j] : m;

    __m256 vs = _mm256_setzero_ps();
    const __m256 shift = _mm256_set1_ps(m);
    for (j = 0; j + 8 <= columns; j += 8) {
        __m256 e = nk_exp256(_mm256_sub_ps(_mm256_loadu_ps(x + j), shift));
        _mm256_storeu_ps(out + j, e);
        vs = _mm256_add_ps(vs, e);
    }
    _mm256_storeu_ps(lanes, vs);
    float s = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
    for (; j < columns; j++) { out[j] = nk_expf(x[j] - m); s += out[j]; }

    const __m256 scale = _mm256_set1_ps(1.0f / s);
    for (j = 0; j + 8 <= columns; j += 8) _mm256_storeu_ps(out + j, _mm256_mul_ps(_mm256_loadu_ps(out + j), scale));
    for (; j < columns; j++) out[j] *= 1.0f / s;
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
