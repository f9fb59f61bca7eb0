/*
 * The backward of one recurrent step for one row (one sequence of the
 * batch): from ∂loss/∂h to the gradients of the gate pre-activations.
 *
 * WHY in C: the same loops in Swift compiled to scalar code (the compiler
 * cannot rule out that the output rows alias the inputs, and checks every
 * index for overflow); they were ~15% of a character LSTM's training step.
 * Here `restrict` lets the compiler vectorize them, and each function is
 * built twice, for AVX2 (8 lanes, chosen when the GEMM's AVX2 kernels are)
 * and for the baseline ISA.
 *
 * Notation: h units; dh = carry + output_gradient is ∂loss/∂h of this step
 * (from the next step and from this step's output).
 */
#include <stdint.h>
#include "NeuriteKernels.h"
#include "gemm_internal.h"
#include "avx2_common.h"

#define NK_INLINE static inline __attribute__((always_inline))

/* tanh: ∂z = dh ⊙ (1 − h²). */
NK_INLINE void rnn_backward(long h, const float *restrict hidden, const float *restrict carry,
                            const float *restrict output_gradient, float *restrict dgates)
{
    for (long j = 0; j < h; j++)
        dgates[j] = (carry[j] + output_gradient[j]) * (1.0f - hidden[j] * hidden[j]);
}

/* gates = [i, f, g, o] after their activations; c = f ⊙ c⁻ + i ⊙ g,
 * h = o ⊙ tanh(c). dc holds ∂loss/∂c from the next step and leaves as
 * ∂loss/∂c⁻. */
NK_INLINE void lstm_backward(long h, const float *restrict gates, const float *restrict tanh_cell,
                             const float *restrict previous_cell, const float *restrict carry,
                             const float *restrict output_gradient, float *restrict dc,
                             float *restrict dgates)
{
    for (long j = 0; j < h; j++) {
        float i = gates[j], f = gates[h + j], g = gates[2 * h + j], o = gates[3 * h + j];
        float dh = carry[j] + output_gradient[j], t = tanh_cell[j];
        float dcell = dc[j] + dh * o * (1.0f - t * t);
        dgates[j] = dcell * g * i * (1.0f - i);
        dgates[h + j] = dcell * previous_cell[j] * f * (1.0f - f);
        dgates[2 * h + j] = dcell * i * (1.0f - g * g);
        dgates[3 * h + j] = dh * t * o * (1.0f - o);
        dc[j] = dcell * f;
    }
}

/* gates = [r, z, n] after their activations, candidate = W_hn h⁻ + b_hn;
 * h = (1 − z) ⊙ n + z ⊙ h⁻. The recurrent part of n's gradient is scaled
 * by r, and z ⊙ dh reaches h⁻ directly (written to dprevious). */
NK_INLINE void gru_backward(long h, const float *restrict gates, const float *restrict candidate,
                            const float *restrict previous_hidden, const float *restrict carry,
                            const float *restrict output_gradient, float *restrict dinput,
                            float *restrict drecurrent, float *restrict dprevious)
{
    for (long j = 0; j < h; j++) {
        float r = gates[j], z = gates[h + j], n = gates[2 * h + j];
        float dh = carry[j] + output_gradient[j];
        float dn = dh * (1.0f - z) * (1.0f - n * n);
        float dz = dh * (previous_hidden[j] - n) * z * (1.0f - z);
        float dr = dn * candidate[j] * r * (1.0f - r);
        dinput[j] = dr; dinput[h + j] = dz; dinput[2 * h + j] = dn;
        drecurrent[j] = dr; drecurrent[h + j] = dz; drecurrent[2 * h + j] = dn * r;
        dprevious[j] = dh * z;
    }
}

#if defined(__x86_64__)
NK_AVX2 static void rnn_backward_avx2(long h, const float *hidden, const float *carry,
                                      const float *output_gradient, float *dgates)
{
    rnn_backward(h, hidden, carry, output_gradient, dgates);
}

NK_AVX2 static void lstm_backward_avx2(long h, const float *gates, const float *tanh_cell,
                                       const float *previous_cell, const float *carry,
                                       const float *output_gradient, float *dc, float *dgates)
{
    lstm_backward(h, gates, tanh_cell, previous_cell, carry, output_gradient, dc, dgates);
}

NK_AVX2 static void gru_backward_avx2(long h, const float *gates, const float *candidate,
                                      const float *previous_hidden, const float *carry,
                                      const float *output_gradient, float *dinput,
                                      float *drecurrent, float *dprevious)
{
    gru_backward(h, gates, candidate, previous_hidden, carry, output_gradient, dinput, drecurrent, dprevious);
}

static int nk_use_avx2(void) { return nk_kernel_uses_avx2(); }
#else
static int nk_use_avx2(void) { return 0; }
#endif

void nk_rnn_step_backward(long h, const float *hidden, const float *carry,
                          const float *output_gradient, float *dgates)
{
#if defined(__x86_64__)
    if (nk_use_avx2()) { rnn_backward_avx2(h, hidden, carry, output_gradient, dgates); return; }
#endif
    rnn_backward(h, hidden, carry, output_gradient, dgates);
}

void nk_lstm_step_backward(long h, const float *gates, const float *tanh_cell,
                           const float *previous_cell, const float *carry,
                           const float *output_gradient, float *dc, float *dgates)
{
#if defined(__x86_64__)
    if (nk_use_avx2()) {
        lstm_backward_avx2(h, gates, tanh_cell, previous_cell, carry, output_gradient, dc, dgates);
        return;
    }
#endif
    lstm_backward(h, gates, tanh_cell, previous_cell, carry, output_gradient, dc, dgates);
}

void nk_gru_step_backward(long h, const float *gates, const float *candidate,
                          const float *previous_hidden, const float *carry,
                          const float *output_gradient, float *dinput, float *drecurrent,
                          float *dprevious)
{
#if defined(__x86_64__)
    if (nk_use_avx2()) {
        gru_backward_avx2(h, gates, candidate, previous_hidden, carry, output_gradient, dinput, drecurrent, dprevious);
        return;
    }
#endif
    gru_backward(h, gates, candidate, previous_hidden, carry, output_gradient, dinput, drecurrent, dprevious);
}

/* Columns [j0, j1) of the rows of a [rows × width] matrix added to sums (when not NULL) and, when
 * tokens is not NULL, each row to row tokens[i] of table: the bias gradient and the one-hot input
 * weights' gradient of a recurrent layer in one pass over its gate gradients. Rows in order, so
 * each sum is the same whatever the column range. */
NK_INLINE void gate_sums(long rows, long width, long j0, long j1, const float *restrict matrix,
                         const int32_t *restrict tokens, float *restrict table, float *restrict sums)
{
    for (long i = 0; i < rows; i++) {
        const float *restrict row = matrix + i * width;
        if (sums)
            for (long j = j0; j < j1; j++) sums[j] += row[j];
        if (tokens) {
            float *restrict destination = table + (long)tokens[i] * width;
            for (long j = j0; j < j1; j++) destination[j] += row[j];
        }
    }
}

#if defined(__x86_64__)
NK_AVX2 static void gate_sums_avx2(long rows, long width, long j0, long j1, const float *matrix,
                                   const int32_t *tokens, float *table, float *sums)
{
    gate_sums(rows, width, j0, j1, matrix, tokens, table, sums);
}
#endif

void nk_add_gate_sums(long rows, long width, long j0, long j1, const float *matrix,
                      const int32_t *tokens, float *table, float *sums)
{
#if defined(__x86_64__)
    if (nk_use_avx2()) { gate_sums_avx2(rows, width, j0, j1, matrix, tokens, table, sums); return; }
#endif
    gate_sums(rows, width, j0, j1, matrix, tokens, table, sums);
}
