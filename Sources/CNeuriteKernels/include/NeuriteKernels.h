/*
 * NeuriteKernels — fast single-precision GEMM for the Neurite Swift library.
 *
 * All matrices are row-major. Kernels are chosen once at run time by CPU
 * detection (AVX-512 or else AVX2+FMA on x86-64, NEON on arm64, portable C
 * otherwise), so the target needs no special compiler flags. All functions
 * are thread-safe.
 *
 * Environment: NEURITE_THREADS=n sets the default thread count;
 * NEURITE_KERNEL=avx2 or =portable forces that family where the CPU can run
 * it (for testing and measuring the paths of older CPUs).
 */
#ifndef NEURITE_KERNELS_H
#define NEURITE_KERNELS_H

#include <stdint.h>

#include "process_control.h"
#include "mpi_loader.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Activation applied by nk_sgemm_bias_act after the matrix product.
enum {
    NK_ACT_NONE = 0,
    NK_ACT_RELU = 1,     ///< max(0, x) (NaN propagates)
    NK_ACT_SIGMOID = 2,  ///< 1 / (1 + exp(-x))
    NK_ACT_TANH = 3      ///< tanh(x)
};

/// C[M×N] = alpha * op(A) · op(B) + beta * C, row-major.
/// op(A) is A (M×K, leading dimension lda) or, when transposeA != 0, A is
/// stored K×M (lda >= M) and op(A) = Aᵀ.
/// op(B) is B (K×N, ldb) or, when transposeB != 0, B is stored N×K (ldb >= K)
/// and op(B) = Bᵀ.
/// beta == 0 means C is write-only (C is never read, so NaN garbage is ignored).
/// alpha == 0 or K == 0 means A and B are not read.
void nk_sgemm(int transposeA, int transposeB, long M, long N, long K,
              float alpha, const float *A, long lda, const float *B, long ldb,
              float beta, float *C, long ldc);

/// Same as nk_sgemm plus a fused epilogue applied once per output element:
/// x[i] = act(x[i]) for i < n, in place, with the GEMM epilogue's vector code.
void nk_activate(float *x, long n, int activation);

/// C[i][j] = act(alpha * (op(A)op(B))[i][j] + beta * C[i][j] + bias[j]).
/// bias may be NULL (else length N, broadcast over rows); activation is one
/// of NK_ACT_*.
void nk_sgemm_bias_act(int transposeA, int transposeB, long M, long N, long K,
                       float alpha, const float *A, long lda,
                       const float *B, long ldb,
                       float beta, float *C, long ldc,
                       const float *bias, int activation);

/// nk_sgemm_bias_act on the kernel family named `kernel` ("avx512", "avx2",
/// "neon", "portable") instead of the selected one, so that tests cover every
/// family this CPU can run in one process. Returns 0, computing nothing, when
/// the CPU cannot run that family (or there is no such family), else 1.
int nk_sgemm_bias_act_on(const char *kernel, int transposeA, int transposeB,
                         long M, long N, long K, float alpha, const float *A,
                         long lda, const float *B, long ldb, float beta,
                         float *C, long ldc, const float *bias, int activation);

/// The floats a buffer needs for nk_pack_b_whole of a K×N op(B).
long nk_packed_b_floats(long K, long N);

/// Packs op(B) (K×N: B stored K×N, or N×K when transposeB != 0, leading
/// dimension ldb) once into the GEMM micro-kernel's layout, for products that
/// reuse it (a recurrent layer's W_hh, one product per time step).
void nk_pack_b_whole(int transposeB, long K, long N, const float *B, long ldb, float *packed);

/// C[M×N] = op(A) · op(B) + beta·C + bias, with op(B) packed by
/// nk_pack_b_whole for the same K and N. op(A) is A (M×K, lda) or, when
/// transposeA != 0, A stored K×M. beta is 0 (C write-only) or 1; bias may be
/// NULL (else length N, broadcast over rows).
void nk_sgemm_prepacked_b(int transposeA, long M, long N, long K, const float *A, long lda,
                          const float *packed, float beta, float *C, long ldc, const float *bias);

/// The forward of one recurrent step for one row of h units, from the gate
/// pre-activations x (input side, biases folded in) and r (recurrent side):
/// the new state (out; the LSTM's cell), the gates after their activations
/// (LSTM i, f, g, o; GRU r, z, n), and what the backward needs (the LSTM's
/// tanh(c), the GRU's W_hn h⁻ + b_hn as candidate).
void nk_rnn_step_forward(long h, const float *x, const float *r, float *out);
void nk_lstm_step_forward(long h, const float *x, const float *r, const float *previous_cell,
                          float *cell, float *out, float *gates, float *tanh_cell);
void nk_gru_step_forward(long h, const float *x, const float *r, const float *previous,
                         float *out, float *gates, float *candidate);

/// The backward of one recurrent step for one row of h units, from
/// dh = carry + output_gradient (∂loss/∂h from the next step and from this
/// step's output) to the gate pre-activations' gradients (layouts: the Swift
/// RecurrentCell). The LSTM's dc enters as ∂loss/∂c and leaves as ∂loss/∂c⁻;
/// the GRU writes its input-side and recurrent-side gate gradients apart
/// (they differ in the n gate) and z ⊙ dh to dprevious.
void nk_rnn_step_backward(long h, const float *hidden, const float *carry,
                          const float *output_gradient, float *dgates);
void nk_lstm_step_backward(long h, const float *gates, const float *tanh_cell,
                           const float *previous_cell, const float *carry,
                           const float *output_gradient, float *dc, float *dgates);
void nk_gru_step_backward(long h, const float *gates, const float *candidate,
                          const float *previous_hidden, const float *carry,
                          const float *output_gradient, float *dinput, float *drecurrent,
                          float *dprevious);

/// Columns [j0, j1) of each row of a row-major rows × width matrix: added to sums (unless NULL)
/// and, unless tokens is NULL, to row tokens[i] of table (rows × width as well): a recurrent
/// layer's bias gradient and its one-hot input weights' gradient in one pass.
void nk_add_gate_sums(long rows, long width, long j0, long j1, const float *matrix,
                      const int32_t *tokens, float *table, float *sums);

/// Columns [j0, j1) of each row of row-major rows × width matrices: result = gradient ⊙ act′,
/// act′ read from the forward's output (relu′ = [y > 0], sigmoid′ = y(1 − y), tanh′ = 1 − y²,
/// 1 for NK_ACT_NONE), and, unless sums is NULL, each row of result added to sums: a fused
/// activation's backward and its bias's gradient, row by row.
void nk_activation_backward(long rows, long width, long j0, long j1, int activation,
                            const float *gradient, const float *output, float *result, float *sums);

/// Softmax of each row of a row-major rows × columns matrix into output (which may be input);
/// row_max[i] and row_sum[i] get the row's maximum m and Σ_j exp(x_j − m), so that its
/// log-sum-exp is m + log(row_sum[i]).
void nk_softmax_rows(long rows, long columns, const float *input, float *output, float *row_max, float *row_sum);

/// A task of nk_parallel_for: called once with each index in [0, tasks).
typedef void (*nk_task_fn)(void *context, int task);

/// Runs fn(context, t) for every t in [0, tasks) on the calling thread and the
/// GEMM's worker threads (tasks are claimed dynamically), and returns when all
/// are done. Element-wise and layout kernels use it so that one pool of threads
/// serves everything, instead of a second pool competing for the same cores.
/// Nested or concurrent calls run their tasks on the caller.
void nk_parallel_for(int tasks, nk_task_fn fn, void *context);

/// Starts fn(context, t) for every t in [0, tasks) on the worker threads and
/// returns at once, so that the calling thread can go on with other work:
/// the workers claim the tasks as they become free. nk_parallel_finish() on
/// the same thread runs the tasks no worker has claimed yet and waits for the
/// others; any nk_parallel_for on that thread (any split kernel) does so
/// first, and meanwhile every job of another thread runs on that thread.
/// context must stay valid until then. Returns 1 when started, 0 when the
/// tasks have already run on the caller (one thread, the pool busy, or its
/// policy running jobs alone).
int nk_parallel_start(int tasks, nk_task_fn fn, void *context);

/// Finishes the tasks nk_parallel_start started on this thread; returns at
/// once if there are none.
void nk_parallel_finish(void);

/// The geometry of a 2-D convolution over NCHW images (Neurite's
/// ConvolutionGeometry): only the leading padding is given, the trailing one
/// is implied by the output size.
typedef struct {
    long channels, height, width;
    long kernel_height, kernel_width;
    long stride, dilation;
    long pad_top, pad_left;
    long out_height, out_width;
} nk_conv_shape;

/// Unfolds samples s0..<s1 of a chunk (images first + s of input) into
/// columns, a [channels·kh·kw][count·out_h·out_w] row-major matrix; padding
/// reads as 0. Different sample ranges may run on different threads.
void nk_im2col(const float *input, const nk_conv_shape *shape, long first, long count,
               long s0, long s1, float *columns);

/// The adjoint of nk_im2col: adds each column entry onto the input pixel it
/// came from, for samples s0..<s1 of the chunk (gradient must be zeroed).
void nk_col2im(const float *columns, const nk_conv_shape *shape, long first, long count,
               long s0, long s1, float *gradient);

/// Floats of scratch memory nk_direct_conv_forward and nk_direct_conv_backward
/// need for samples images of shape (stride and dilation 1).
long nk_direct_conv_scratch(const nk_conv_shape *shape, long out_channels, long samples);

/// output[s][o] = act(Σ_c weight[o][c] ⋆ input[s][c] + bias[o]) for samples
/// images of shape, computed directly (no im2col matrix); stride and
/// dilation must be 1, kernel_width at most 6, activation NK_ACT_NONE or
/// NK_ACT_RELU (sigmoid and tanh are applied by the caller). bias may be NULL.
void nk_direct_conv_forward(const float *input, const float *weight, const float *bias, int activation,
                            const nk_conv_shape *shape, long out_channels, long samples,
                            float *scratch, float *output);

/// The backward pass of nk_direct_conv_forward: with dz = gradient ⊙ act′
/// (act′ read from the forward output y, any NK_ACT_*), writes the input, weight and bias
/// gradients whose pointers are not NULL (input needed for the weight
/// gradient, weight for the input gradient). The sums do not depend on the
/// thread count.
void nk_direct_conv_backward(const float *gradient, const float *output, int activation, const float *input,
                             const float *weight, const nk_conv_shape *shape, long out_channels, long samples,
                             float *scratch, float *input_gradient, float *weight_gradient, float *bias_gradient);

/// nk_direct_conv_forward (activation NK_ACT_NONE or NK_ACT_RELU) followed by
/// 2×2, stride-2 max pooling, without the full-size output: pooled and
/// winners are [samples][out_channels][out_height / 2][out_width / 2], winners
/// the window's first maximum as 0..3 (bit 0: right column, bit 1: lower row).
/// Bit for bit nk_direct_conv_forward then nk_max_pool_2x2.
void nk_direct_conv_pool_forward(const float *input, const float *weight, const float *bias, int activation,
                                 const nk_conv_shape *shape, long out_channels, long samples,
                                 float *scratch, float *pooled, int32_t *winners);

/// The backward pass of nk_direct_conv_pool_forward from the pooled output's
/// gradient, bit for bit the max-pooling backward then nk_direct_conv_backward.
void nk_direct_conv_pool_backward(const float *pooled_gradient, const float *pooled, const int32_t *winners,
                                  int activation, const float *input, const float *weight,
                                  const nk_conv_shape *shape, long out_channels, long samples, float *scratch,
                                  float *input_gradient, float *weight_gradient, float *bias_gradient);

/// 2×2, stride-2 max pooling without padding over planes p0..<p1 of height ×
/// width: the maximum of each window (the first in row-major order on ties)
/// and its offset within the input plane.
void nk_max_pool_2x2(const float *input, long height, long width, long out_height, long out_width,
                     long p0, long p1, float *output, int32_t *positions);

/// Backward of nk_max_pool_2x2 for planes p0..<p1: every input pixel is
/// written (the output gradient at its window's winner, 0 elsewhere), so the
/// gradient need not be zeroed first.
void nk_max_pool_2x2_backward(const float *output_gradient, const int32_t *positions,
                              long height, long width, long out_height, long out_width,
                              long p0, long p1, float *gradient);

/// Convolution output layout pass: output[first + s][c][:] = act(z[c][s][:] + bias[c])
/// for s in [0, count), where z is channel-major [channels][count][plane] and
/// output is NCHW [.., channels, plane]. bias may be NULL; activation is
/// NK_ACT_NONE or NK_ACT_RELU (ReLU as max(v, 0) with +0 for ±0, NaN kept).
void nk_channel_major_to_batch_major(const float *z, const float *bias, int activation,
                                     long channels, long plane, long first, long count,
                                     float *output);

/// The backward layout pass: dz[c][s][:] = gradient[first + s][c][:] ⊙ act′,
/// with act′ read from the layer output y (ReLU: [y > 0], sigmoid: y(1−y),
/// tanh: 1−y²); when bias_gradient is not NULL, bias_gradient[c] += Σ dz[c]
/// (summed in a fixed order, independent of the thread count). activation is
/// any NK_ACT_*.
void nk_batch_major_to_channel_major(const float *gradient, const float *output, int activation,
                                     long channels, long plane, long first, long count,
                                     float *dz, float *bias_gradient);

/// The constants of one SGD update (see nk_sgd_update).
typedef struct {
    float learning_rate;         /* η */
    float momentum;              /* μ; unused without a velocity */
    float weight_decay;          /* L2 decay λ added to the gradient */
    int nesterov;                /* nonzero: step with d + μv instead of v */
} nk_sgd_step;

/// One SGD step over count elements, in place, in one pass: d = g + λw; without
/// a velocity (NULL) w = w − ηd; with one v = μv + d, w = w − η·v (Nesterov:
/// w − η(d + μv)). No fused multiply-adds. Returns 1 when every weight written
/// is finite, 0 when one is NaN or infinite.
int nk_sgd_update(float *weight, const float *gradient, float *velocity, long count,
                  const nk_sgd_step *step);

/// A dense layer's weight gradient G = op(A)·op(B) (M×N) and the SGD step it
/// drives, in one product: each tile of G updates its weights (M×N,
/// row-major) and velocity (NULL: no momentum) as nk_sgd_update would, while
/// it is still in registers, and where the kernel can, G is never stored.
/// `scratch` (M×N floats) is where the product keeps the parts of G it does
/// store. The results are bit for bit those of nk_sgemm into scratch followed
/// by nk_sgd_update. Returns 1 when every weight written is finite, else 0.
int nk_sgemm_sgd(int transposeA, int transposeB, long M, long N, long K,
                 const float *A, long lda, const float *B, long ldb, float *scratch,
                 float *weight, float *velocity, const nk_sgd_step *step);

/// nk_sgemm_sgd on the kernel family named `kernel` (see nk_sgemm_bias_act_on),
/// for tests; returns -1, computing nothing, where the CPU cannot run it.
int nk_sgemm_sgd_on(const char *kernel, int transposeA, int transposeB, long M, long N, long K,
                    const float *A, long lda, const float *B, long ldb, float *scratch,
                    float *weight, float *velocity, const nk_sgd_step *step);

/// The per-step constants of one Adam update (see nk_adam_update).
typedef struct {
    float beta1, keep1;          /* β₁ and 1 − β₁ (formed in double) */
    float beta2, keep2;          /* β₂ and 1 − β₂ */
    float l2;                    /* L2 decay λ added to the gradient; 0 for AdamW */
    float shrink;                /* 1 − ηλ for AdamW's decoupled decay, else 1 */
    float step_size;             /* η / (1 − β₁ᵗ) */
    float inverse_correction2;   /* 1 / √(1 − β₂ᵗ) */
    float epsilon;
} nk_adam_step;

/// One Adam step over count elements, in place, in one pass:
/// d = g + l2·w; m = β₁m + (1−β₁)d; v = β₂v + (1−β₂)d·d;
/// w = shrink·w − step_size·(m / (√v·inverse_correction2 + ε)).
/// Every path (AVX2, portable) rounds identically: no fused multiply-adds.
/// Returns 1 when every weight written is finite, 0 when one is NaN or infinite.
int nk_adam_update(float *weight, const float *gradient, float *mean, float *square_mean,
                   long count, const nk_adam_step *step);

/// The thread pool's rule for splitting a job or running it on the calling thread alone
/// (pool_policy.c), as a separate instance driven with made-up times: exposed so that the
/// rule can be tested; the pool keeps its own. Times are in the pool's clock ticks
/// (nk_pool_policy_ticks_per_microsecond per µs).
typedef struct nk_pool_policy nk_pool_policy;
nk_pool_policy *nk_pool_policy_create(void);
void nk_pool_policy_destroy(nk_pool_policy *policy);
/// Whether a job starting at `now` runs on the calling thread alone.
int nk_pool_policy_says_alone(const nk_pool_policy *policy, long long now);
/// What a split job measured: the time one thread would have needed, its wall time, whether a
/// worker ran any of its tasks, and when it finished.
void nk_pool_policy_note(nk_pool_policy *policy, double alone, double wall, int helped, long long now);
long long nk_pool_policy_ticks_per_microsecond(void);
/// Whether a worker ran a task of the pool's last split job on the CPU of the thread that
/// started it: the two then took turns on one CPU instead of running side by side, and the pool
/// reported the job to its policy as having gained nothing. For tests; 0 where the system does
/// not say which CPU a thread runs on.
int nk_pool_last_job_took_turns(void);

/// How the thread pool cuts a large product split in two between the calling thread and the
/// worker (split_balance.c), exposed so that the rule can be tested: the caller's share of the
/// rows or columns for an estimate of the worker's time per unit of work over the caller's
/// (bounded to [0.35, 0.65]), and the estimate after one more job measured both threads. The
/// pool keeps its own estimate.
double nk_split_balance_share(double worker_over_caller);
double nk_split_balance_next(double estimate, double caller_ticks_per_unit, double worker_ticks_per_unit);

/// C = op(A)·B as the pool runs a product cut in two blocks of rows (`by_rows`) or columns,
/// the caller's block holding about `caller_share` of them, whatever the thread count: for tests
/// that the bits do not depend on where the cut falls. Returns 0, computing nothing, where the
/// shape is not cut that way (its even halves take different paths, or it has one micro-tile).
int nk_sgemm_cut_in_two(double caller_share, int by_rows, int transposeA, long M, long N, long K,
                        const float *A, long lda, const float *B, long ldb, float *C, long ldc);

/// Number of threads large products are split across.
int nk_thread_count(void);

/// Sets the thread count; n <= 0 restores the default (env NEURITE_THREADS if
/// it is a positive integer, else the number of online CPUs).
void nk_set_thread_count(int n);

/// The kernel family dispatch selected: "avx512", "avx2+fma", "neon" or
/// "portable".
const char *nk_kernel_name(void);

#ifdef __cplusplus
}
#endif

#endif /* NEURITE_KERNELS_H */
