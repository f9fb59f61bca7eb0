/*
 * The forward of one recurrent step for one row (one sequence of the
 * batch): from the gate pre-activations (input side x, recurrent side r) to
 * the gates, the new state and what the backward keeps.
 *
 * WHY in C: one pass over the units, every gate of a unit computed while in
 * registers, 8 units at a time with the GEMM epilogue's vector sigmoid and
 * tanh (avx2_common.h); the Swift version made several passes per row and
 * was ~6% of a character LSTM's training step. Units past a multiple of 8,
 * and CPUs without AVX2, take the scalar loop with the same approximations
 * (activation.c). Where the AVX-512 family is in use, 16 units at a time
 * first (recurrent_cell_forward_avx512.c).
 */
#include "NeuriteKernels.h"
#include "gemm_internal.h"
#include "avx2_common.h"

static float sigmoid(float x) { return nk_act_scalar(x, NK_ACT_SIGMOID); }
static float tanh_(float x) { return nk_act_scalar(x, NK_ACT_TANH); }

static void rnn_units(long h, long j, const float *x, const float *r, float *out)
{
    for (; j < h; j++) out[j] = tanh_(x[j] + r[j]);
}

static void lstm_units(long h, long j, const float *x, const float *r, const float *previous_cell,
                       float *cell, float *out, float *gates, float *tanh_cell)
{
    for (; j < h; j++) {
        float i = sigmoid(x[j] + r[j]), f = sigmoid(x[h + j] + r[h + j]);
        float g = tanh_(x[2 * h + j] + r[2 * h + j]), o = sigmoid(x[3 * h + j] + r[3 * h + j]);
        float c = f * previous_cell[j] + i * g, t = tanh_(c);
        gates[j] = i; gates[h + j] = f; gates[2 * h + j] = g; gates[3 * h + j] = o;
        cell[j] = c; tanh_cell[j] = t; out[j] = o * t;
    }
}

static void gru_units(long h, long j, const float *x, const float *r, const float *previous,
                      float *out, float *gates, float *candidate)
{
    for (; j < h; j++) {
        float reset = sigmoid(x[j] + r[j]), update = sigmoid(x[h + j] + r[h + j]);
        float n = tanh_(x[2 * h + j] + reset * r[2 * h + j]);
        gates[j] = reset; gates[h + j] = update; gates[2 * h + j] = n;
        candidate[j] = r[2 * h + j];
        out[j] = (1.0f - update) * n + update * previous[j];
    }
}

#if defined(__x86_64__)
#define LOAD _mm256_loadu_ps
#define STORE _mm256_storeu_ps
#define ADD _mm256_add_ps
#define MUL _mm256_mul_ps

NK_AVX2 static long rnn_units_avx2(long h, long j, const float *x, const float *r, float *out)
{
    for (; j + 8 <= h; j += 8) STORE(out + j, nk_act256(ADD(LOAD(x + j), LOAD(r + j)), NK_ACT_TANH));
    return j;
}

NK_AVX2 static long lstm_units_avx2(long h, long j, const float *x, const float *r, const float *previous_cell,
                                    float *cell, float *out, float *gates, float *tanh_cell)
{
    for (; j + 8 <= h; j += 8) {
        __m256 i = nk_act256(ADD(LOAD(x + j), LOAD(r + j)), NK_ACT_SIGMOID);
        __m256 f = nk_act256(ADD(LOAD(x + h + j), LOAD(r + h + j)), NK_ACT_SIGMOID);
        __m256 g = nk_act256(ADD(LOAD(x + 2 * h + j), LOAD(r + 2 * h + j)), NK_ACT_TANH);
        __m256 o = nk_act256(ADD(LOAD(x + 3 * h + j), LOAD(r + 3 * h + j)), NK_ACT_SIGMOID);
        __m256 c = ADD(MUL(f, LOAD(previous_cell + j)), MUL(i, g)), t = nk_act256(c, NK_ACT_TANH);
        STORE(gates + j, i); STORE(gates + h + j, f); STORE(gates + 2 * h + j, g); STORE(gates + 3 * h + j, o);
        STORE(cell + j, c); STORE(tanh_cell + j, t); STORE(out + j, MUL(o, t));
    }
    return j;
}

NK_AVX2 static long gru_units_avx2(long h, long j, const float *x, const float *r, const float *previous,
                                   float *out, float *gates, float *candidate)
{
    const __m256 one = _mm256_set1_ps(1.0f);
    for (; j + 8 <= h; j += 8) {
        __m256 reset = nk_act256(ADD(LOAD(x + j), LOAD(r + j)), NK_ACT_SIGMOID);
        __m256 update = nk_act256(ADD(LOAD(x + h + j), LOAD(r + h + j)), NK_ACT_SIGMOID);
        __m256 recurrent = LOAD(r + 2 * h + j);
        __m256 n = nk_act256(ADD(LOAD(x + 2 * h + j), MUL(reset, recurrent)), NK_ACT_TANH);
        STORE(gates + j, reset); STORE(gates + h + j, update); STORE(gates + 2 * h + j, n);
        STORE(candidate + j, recurrent);
        STORE(out + j, ADD(MUL(_mm256_sub_ps(one, update), n), MUL(update, LOAD(previous + j))));
    }
    return j;
}

static int use_avx2(void) { return nk_kernel_uses_avx2(); }

/* 16 units at a time where the AVX-512 family is in use (recurrent_cell_forward_avx512.c). */
long nk_rnn_units_avx512(long h, const float *x, const float *r, float *out);
long nk_lstm_units_avx512(long h, const float *x, const float *r, const float *previous_cell,
                          float *cell, float *out, float *gates, float *tanh_cell);
long nk_gru_units_avx512(long h, const float *x, const float *r, const float *previous,
                         float *out, float *gates, float *candidate);
static int use_avx512(void) { return nk_select_kernel() == &nk_kernel_avx512; }
#endif

void nk_rnn_step_forward(long h, const float *x, const float *r, float *out)
{
    long j = 0;
#if defined(__x86_64__)
    if (use_avx512()) j = nk_rnn_units_avx512(h, x, r, out);
    if (use_avx2()) j = rnn_units_avx2(h, j, x, r, out);
#endif
    rnn_units(h, j, x, r, out);
}

void nk_lstm_step_forward(long h, const float *x, const float *r, const float *previous_cell,
                          float *cell, float *out, float *gates, float *tanh_cell)
{
    long j = 0;
#if defined(__x86_64__)
    if (use_avx512()) j = nk_lstm_units_avx512(h, x, r, previous_cell, cell, out, gates, tanh_cell);
    if (use_avx2()) j = lstm_units_avx2(h, j, x, r, previous_cell, cell, out, gates, tanh_cell);
#endif
    lstm_units(h, j, x, r, previous_cell, cell, out, gates, tanh_cell);
}

void nk_gru_step_forward(long h, const float *x, const float *r, const float *previous,
                         float *out, float *gates, float *candidate)
{
    long j = 0;
#if defined(__x86_64__)
    if (use_avx512()) j = nk_gru_units_avx512(h, x, r, previous, out, gates, candidate);
    if (use_avx2()) j = gru_units_avx2(h, j, x, r, previous, out, gates, candidate);
#endif
    gru_units(h, j, x, r, previous, out, gates, candidate);
}
