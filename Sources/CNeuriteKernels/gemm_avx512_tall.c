/*
 * AVX-512 packing-free path for tall products: op(A) = A with many rows,
 * op(B) = B small enough to stay in L2 (gemm_block.c's nk_use_tall), i.e. a dense
 * layer's forward pass on a large batch, such as MNIST inference at batch
 * 1000: 1000×784 · 784×128, then 1000×128 · 128×10.
 *
 * WHY no packing: the packed path copies every 8 rows of A into a panel
 * before using them (A is the bulk of the data here: 3 MB of inputs against
 * a 0.4 MB weight matrix, and coming from beyond L2, the copy took 12% of
 * the time), and splits K into blocks, so that C is read and written once
 * per block. Here a tile broadcasts its 8 rows of A where they lie and reads
 * rows of B in place; K is not blocked, so each tile of C is written once,
 * with the bias and the activation applied in registers. B stays in L2 and
 * the 8 rows of A (8·K floats) in L1 across the tiles of a row group.
 *
 * WHY a narrow tile: for N <= 16 (the 10 logits of a classifier) the packed
 * path pads B to the 32-column micro-tile, computing 3.2 times the needed
 * products. One 16-lane vector per row, 12 rows per tile (12 independent FMA
 * chains cover the FMA latency), computes 1.6 times.
 *
 * Measured on one thread of a 2-core Sapphire Rapids VM (loaded; packed and
 * tall alternated in one process): the batch-1000 MLP's two products 1.22×
 * the packed path's speed, the 1000×128·128×10 product alone 1.8×, the
 * batch-256 forward 256×784·784×128 1.16×. With B beyond L2 (128×784·784×512)
 * the tall path was 2× slower: hence the size limit.
 */
#include "avx512_common.h"

#if defined(__x86_64__)

#define NK_INLINE __attribute__((always_inline)) inline

/* Rows per tile of the wide (32-column) and narrow (16-column) tiles. */
#define WIDE_ROWS 8
#define NARROW_ROWS 12

/* x[r][v] = Σ_k A[r][k]·B[k][16v..16v+16) over all of K, unmasked where mask is NULL. */
static NK_INLINE NK_AVX512 void tile_product(const int R, const int V, const nk_gemm_args *g,
                                             const float *a, const float *b,
                                             __m512 x[][2], const __mmask16 *mask)
{
    for (long k = 0; k < g->K; k++, b += g->ldb) {
        __m512 y[2];
        for (int v = 0; v < V; v++)
            y[v] = mask ? _mm512_maskz_loadu_ps(mask[v], b + 16 * v) : _mm512_loadu_ps(b + 16 * v);
        for (int r = 0; r < R; r++) {
            __m512 t = _mm512_set1_ps(a[r * g->lda + k]);
            for (int v = 0; v < V; v++) x[r][v] = _mm512_fmadd_ps(t, y[v], x[r][v]);
        }
    }
}

/* C rows [0,R) × columns [0,w) (w <= 16·V) = act(A·B + beta·C + bias), with
 * R and V compile-time after inlining. Masked loads read nothing of B, C or
 * the bias past column w. */
static NK_INLINE NK_AVX512 void tile(const int R, const int V, const nk_gemm_args *g,
                                     const float *a, const float *b, float *c,
                                     const float *bias, long w)
{
    __m512 x[NARROW_ROWS][2];
    __mmask16 m[2];
    for (int v = 0; v < V; v++) m[v] = nk_mask16(w - 16 * v);
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++) x[r][v] = _mm512_setzero_ps();
    if (w == 16 * V) tile_product(R, V, g, a, b, x, NULL);
    else tile_product(R, V, g, a, b, x, m);   /* right edge: masked loads */
    const __m512 alpha = _mm512_set1_ps(g->alpha), beta = _mm512_set1_ps(g->beta);
    __m512 shift[2];
    for (int v = 0; v < V; v++) shift[v] = bias ? _mm512_maskz_loadu_ps(m[v], bias + 16 * v) : _mm512_setzero_ps();
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++) {
            float *cv = c + r * g->ldc + 16 * v;
            __m512 y = _mm512_fmadd_ps(alpha, x[r][v], shift[v]);
            if (g->beta != 0.0f) y = _mm512_fmadd_ps(beta, _mm512_maskz_loadu_ps(m[v], cv), y);
            if (g->act == NK_ACT_RELU) y = _mm512_max_ps(y, _mm512_setzero_ps());
            _mm512_mask_storeu_ps(cv, m[v], y);
        }
    /* Sigmoid and tanh (exp polynomials) on the stored rows, still in L1:
     * inlined into every register of every tile shape they would multiply
     * the code size for no measurable gain. */
    if (g->act != NK_ACT_NONE && g->act != NK_ACT_RELU)
        for (int r = 0; r < R; r++) nk_avx2_epilogue_row(c + r * g->ldc, w, NULL, g->act);
}

/* Rows [i, i+R) of C, all columns, in tiles of 16·V columns; a right edge
 * of at most 16 columns in a tile of one vector. */
static NK_INLINE NK_AVX512 void rows(const int R, const int V, const nk_gemm_args *g, long i)
{
    for (long j = 0; j < g->N; j += 16 * V) {
        long w = g->N - j < 16 * V ? g->N - j : 16 * V;
        const float *a = g->A + i * g->lda, *bias = g->bias ? g->bias + j : NULL;
        if (V > 1 && w <= 16) tile(R, 1, g, a, g->B + j, g->C + i * g->ldc + j, bias, w);
        else tile(R, V, g, a, g->B + j, g->C + i * g->ldc + j, bias, w);
    }
}

/* The rows left after the full tiles, fewer than 8: one pass with a
 * compile-time row count each. */
#define NK_REMAINDER(V, left, g, i)                                         \
    switch (left) {                                                         \
    case 1: rows(1, V, g, i); break;   case 2: rows(2, V, g, i); break;     \
    case 3: rows(3, V, g, i); break;   case 4: rows(4, V, g, i); break;     \
    case 5: rows(5, V, g, i); break;   case 6: rows(6, V, g, i); break;     \
    case 7: rows(7, V, g, i); break;   default: break;                      \
    }

NK_AVX512 void nk_avx512_tall(const nk_gemm_args *g)
{
    long i = 0;
    if (g->N <= 16) {
        for (; i + NARROW_ROWS <= g->M; i += NARROW_ROWS) rows(NARROW_ROWS, 1, g, i);
        if (g->M - i >= WIDE_ROWS) { rows(WIDE_ROWS, 1, g, i); i += WIDE_ROWS; }
        NK_REMAINDER(1, g->M - i, g, i)
    } else {
        for (; i + WIDE_ROWS <= g->M; i += WIDE_ROWS) rows(WIDE_ROWS, 2, g, i);
        NK_REMAINDER(2, g->M - i, g, i)
    }
}

#endif /* __x86_64__ */
