/*
 * NeuriteKernels — fast single-precision GEMM for the Neurite Swift library.
 *
 * All matrices are row-major. Kernels are chosen once at run time by CPU
 * detection (AVX2+FMA on x86-64, NEON on arm64, portable C otherwise), so the
 * target needs no special compiler flags. All functions are thread-safe.
 *
 * Environment: NEURITE_THREADS=n sets the default thread count;
 * NEURITE_KERNEL=portable forces the portable C kernels (for testing).
 */
#ifndef NEURITE_KERNELS_H
#define NEURITE_KERNELS_H

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
/// C[i][j] = act(alpha * (op(A)op(B))[i][j] + beta * C[i][j] + bias[j]).
/// bias may be NULL (else length N, broadcast over rows); activation is one
/// of NK_ACT_*.
void nk_sgemm_bias_act(int transposeA, int transposeB, long M, long N, long K,
                       float alpha, const float *A, long lda,
                       const float *B, long ldb,
                       float beta, float *C, long ldc,
                       const float *bias, int activation);

/// A task of nk_parallel_for: called once with each index in [0, tasks).
typedef void (*nk_task_fn)(void *context, int task);

/// Runs fn(context, t) for every t in [0, tasks) on the calling thread and the
/// GEMM's worker threads (tasks are claimed dynamically), and returns when all
/// are done. Element-wise and layout kernels use it so that one pool of threads
/// serves everything, instead of a second pool competing for the same cores.
/// Nested or concurrent calls run their tasks on the caller.
void nk_parallel_for(int tasks, nk_task_fn fn, void *context);

/// Number of threads large products are split across.
int nk_thread_count(void);

/// Sets the thread count; n <= 0 restores the default (env NEURITE_THREADS if
/// it is a positive integer, else the number of online CPUs).
void nk_set_thread_count(int n);

/// The kernel family dispatch selected: "avx2+fma", "neon" or "portable".
const char *nk_kernel_name(void);

#ifdef __cplusplus
}
#endif

#endif /* NEURITE_KERNELS_H */
