/*
 * Internal interfaces shared by the GEMM driver, the thread pool and the
 * per-ISA kernels. Not part of the public API.
 */
#ifndef NK_GEMM_INTERNAL_H
#define NK_GEMM_INTERNAL_H

#include <stddef.h>
#include "NeuriteKernels.h"  /* nk_task_fn */

/* An SGD update that a weight-gradient product applies as it computes the
 * gradient (nk_sgemm_sgd): the weights and velocity (NULL without momentum)
 * are laid out as the whole product's C, so a tile's offset from `C` locates
 * its own. */
typedef struct {
    float *weight, *velocity;
    const float *C;
    nk_sgd_step step;
    int nonfinite;              /* set, atomically, when a weight written is NaN or ±∞ */
} nk_sgd_fusion;

/* One GEMM problem (or a thread's sub-block of one). */
typedef struct {
    int ta, tb;             /* op(A) = Aᵀ / op(B) = Bᵀ */
    long M, N, K;
    float alpha, beta;
    const float *A; long lda;
    const float *B; long ldb;
    float *C; long ldc;
    const float *bias;      /* NULL or length N (already offset for sub-blocks) */
    int act;                /* NK_ACT_* */
    nk_sgd_fusion *update;  /* NULL, or the update that consumes C (with no bias or activation) */
} nk_gemm_args;

/* Extra floats allocated after every packing buffer: vector packers may
 * store a few floats past the end of a panel (see gemm_avx2_pack.c). */
#define NK_PACK_SLACK 64

/*
 * A kernel family. The packed (Goto/BLIS) path works for every shape; the
 * optional `small` path is packing-free and used for tiny M or few columns
 * (see gemm_block.c).
 *
 * Packed layouts: pack_a writes ceil(mc/mr) panels of kc×mr floats
 * (element (i,k) of a panel at k*mr+i); pack_b writes ceil(nc/nr) panels of
 * kc×nr floats (element (k,j) at k*nr+j). Both zero-pad the last panel, so the
 * micro-kernel always runs a full mr×nr tile and only clips on store.
 */
typedef struct {
    const char *name;
    int mr, nr;             /* micro-tile */
    long mc, kc, nc;        /* cache blocking */
    void (*pack_a)(int trans, long mc, long kc, const float *A, long lda, float *dst);
    void (*pack_b)(int trans, long kc, long nc, const float *B, long ldb, float *dst);
    /* C[m×n] = alpha * (a-panel · b-panel) + beta * C; beta == 0: C not read. */
    void (*micro)(long kc, const float *a, const float *b, float *c, long ldc,
                  int m, int n, float alpha, float beta);
    /* The micro-kernel with nk_sgemm_sgd's update applied to the m×n tile
     * of G = alpha * (a-panel · b-panel) + beta * C instead of storing G:
     * weight and velocity (NULL: none) point at the tile's own elements, laid
     * out as C. Returns 1 when every weight written is finite. NULL where the
     * family has none: the tile is stored and updated from C (gemm_sgd.c). */
    int (*micro_sgd)(long kc, const float *a, const float *b, const float *c, long ldc,
                     int m, int n, float alpha, float beta, float *weight, float *velocity,
                     const nk_sgd_step *step);
    /* The micro-kernel reading B where it lies, a full nr-column panel whose row k
     * is at b + k·ldb, instead of a packed panel (NULL: the family has none). */
    void (*micro_b_in_place)(long kc, const float *a, const float *b, long ldb, float *c, long ldc,
                             int m, int n, float alpha, float beta);
    /* c[0..n) = act(c + bias); bias may be NULL. */
    void (*epilogue_row)(float *c, long n, const float *bias, int act);
    /* Packing-free path for tiny M (NULL if the family has none). Computes
     * alpha*op(A)op(B) + beta*C without the epilogue. Must handle ta with !tb,
     * and tb with !ta. */
    void (*small)(const nk_gemm_args *g);
    long small_max_m;       /* use `small` when M <= this */
    long small_max_n;       /* and for any M when N <= this and op(B) = B (0: never) */
    /* Packing-free path for tall products, op(A) = A and op(B) = B with B
     * small enough to stay in L2 (NULL if the family has none; gemm_block.c's
     * nk_use_tall says when). Computes act(alpha*A·B + beta*C + bias), the
     * epilogue included. */
    void (*tall)(const nk_gemm_args *g);
} nk_kernel;

/* cpu_features.c */
const nk_kernel *nk_select_kernel(void);
/* Whether the selected family's CPU runs AVX2+FMA code (the AVX2 family, and
 * the AVX-512 family: every AVX-512 CPU has both): the AVX2 paths of the
 * element-wise, convolution and recurrent kernels key on this, and
 * NEURITE_KERNEL=portable turns them off with the GEMM's. */
int nk_kernel_uses_avx2(void);
/* The family called `name` ("avx2" also names "avx2+fma") if this CPU can
 * run it, else NULL. */
const nk_kernel *nk_kernel_named(const char *name);

/* Kernel families (each defined only where its ISA can exist). */
extern const nk_kernel nk_kernel_portable;
#if defined(__x86_64__)
extern const nk_kernel nk_kernel_avx2;
extern const nk_kernel nk_kernel_avx512;
/* gemm_avx2.c: the vector bias + activation epilogue, also the AVX-512 family's. */
void nk_avx2_epilogue_row(float *c, long n, const float *bias, int act);
#endif
#if defined(__aarch64__)
extern const nk_kernel nk_kernel_neon;
#endif

/* gemm_portable.c: generic packers (any mr/nr) used by portable and NEON. */
void nk_pack_a_generic(int mr, int trans, long mc, long kc,
                       const float *A, long lda, float *dst);
void nk_pack_b_generic(int nr, int trans, long kc, long nc,
                       const float *B, long ldb, float *dst);

/* activation.c: scalar reference activations (no libm needed). */
float nk_act_scalar(float x, int act);
float nk_expf(float x);
void nk_epilogue_row_scalar(float *c, long n, const float *bias, int act);

/* thread_pool.c: runs fn(ctx, t) for every t in [0, ntasks) on the caller and
 * up to nk_thread_count()-1 workers (tasks are claimed dynamically). If the
 * pool is busy (another caller), everything runs on the caller. */
void nk_pool_run(int ntasks, nk_task_fn fn, void *ctx);

/* pool_policy.c, called by the pool's owner only, times in pool_clock.h's
 * ticks: whether a job starting `now` runs on the calling thread alone, and
 * what a split job measured (the time one thread would have needed, its wall
 * time, whether a worker ran any of its tasks, and when it finished). */
int nk_pool_policy_runs_alone(long long now);
void nk_pool_policy_record(double alone, double wall, int helped, long long now);

/* split_balance.c: the share of a two-task
 * product that the calling thread takes, and one job's measured speeds (time
 * per unit of work of the caller's task and of the worker's). */
double nk_split_caller_share(void);
void nk_split_balance_record(double caller_ticks_per_unit, double worker_ticks_per_unit);

/* thread_pool.c: whether the calling thread is one of the pool's workers. */
int nk_on_worker_thread(void);
/* thread_pool.c: nk_pool_run for a job too small to wait for: while the
 * calling thread's background job (nk_parallel_start) runs, which any other
 * job would first finish, its tasks run on the caller alone. */
void nk_pool_run_small(int ntasks, nk_task_fn fn, void *ctx);

/* gemm_sgd.c: the update of rows × columns of the gradient that the product
 * stored at c (every path but the packed one's fused micro-kernel), row by
 * row; returns 1 when every weight written is finite. */
int nk_sgd_fusion_block(const nk_sgd_fusion *update, const float *c, long ldc, long rows, long columns);
/* gemm_sgd.c: nk_sgd_fusion_block for a whole block's C, a non-finite
 * weight reported in the fusion. */
void nk_sgd_fusion_rows(const nk_gemm_args *g);
/* gemm_sgd.c: marks the fusion's result as not finite (any thread). */
void nk_sgd_fusion_report_nonfinite(nk_sgd_fusion *update);

static inline long nk_min(long a, long b) { return a < b ? a : b; }
static inline long nk_round_up(long x, long m) { return (x + m - 1) / m * m; }

/* gemm_block.c: per-thread buffers (0, 1: packing; 2: the K split's partials),
 * grown on demand, reused. */
float *nk_thread_buffer(int which, size_t floats);
/* gemm_block.c: one thread's product on one of three paths. They round
 * differently (the packed path adds K in blocks of kc, the tall one in one
 * chain), so a job that may cut its blocks anywhere picks one path for all
 * of them (see nk_balanced_cut in gemm_split.c). */
enum { NK_PATH_SMALL, NK_PATH_TALL, NK_PATH_PACKED };
int nk_block_path(const nk_kernel *kr, const nk_gemm_args *g);
int nk_use_small(const nk_kernel *kr, const nk_gemm_args *g);
void nk_gemm_block_on(const nk_kernel *kr, const nk_gemm_args *g, int path);
/* nk_gemm_block_on on the product's own path. */
void nk_gemm_block(const nk_kernel *kr, const nk_gemm_args *g);
/* C = act(C + bias), row by row; nothing without bias or activation. */
void nk_epilogue_rows(const nk_kernel *kr, const nk_gemm_args *g);

/* gemm_split.c: runs the product as `slices` slices of K, each a pm×pn grid
 * of tasks on the pool; returns 0 (nothing done) when the partial sums
 * cannot be allocated (never with one slice). */
int nk_gemm_split(const nk_kernel *kr, const nk_gemm_args *g, int slices, int pm, int pn);
/* gemm_split.c: the pm×pn task grid, on at most p tasks, with the shortest
 * critical path. */
void nk_choose_grid(const nk_kernel *kr, const nk_gemm_args *g, int p, int *pm, int *pn);

#endif /* NK_GEMM_INTERNAL_H */
