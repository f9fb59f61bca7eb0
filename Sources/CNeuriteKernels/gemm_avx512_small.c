/*
 * AVX-512 packing-free path for tiny M (batch-1..8 inference and the
 * products of a training step at such batches, e.g. 1×784·784×128), and
 * for any M when op(B) = B has at most 16 columns (a 10-class output
 * layer's forward product and weight gradient), where the packed path's
 * 32-column tiles would be mostly padding.
 *
 * WHY: with M <= 8 every element of B is used at most 8 times, so packing B
 * (the bulk of the data) costs as much as the arithmetic, and padding rows
 * of the 8-row micro-tile would be wasted. B is streamed from memory instead:
 *  - op(B) = B (row-major K×N): broadcast A[i][k], FMA against rows of B, in
 *    tiles of R <= 8 rows × V vectors: 1-2 rows × 128 columns, 3-6 × 64,
 *    7-8 × 48 (8-24 accumulators: at least 8 FMA chains to cover the FMA
 *    latency, at most 24 + V + 1 of the 32 registers). Up to 8 rows read B
 *    once.
 *  - op(B) = Bᵀ (B stored N×K), op(A) = A: dot products along k, tiles of
 *    R <= 8 rows × 2-8 columns (8-18 accumulators), each summed across its
 *    lanes once at the end; up to 8 rows read B once.
 * Only alpha/beta are applied here; the driver runs the epilogue.
 */
#include "avx512_common.h"

#if defined(__x86_64__)

#define NK_INLINE __attribute__((always_inline)) inline


/* C rows [0,R) × columns [0,w), w <= 16·V, R and V compile-time after
 * inlining. Row r of A at a + r·sai, its k-th element k·sak further. */
static NK_INLINE NK_AVX512 void nn_tile(const int R, const int V, long K,
                                        const float *a, long sai, long sak,
                                        const float *b, long ldb, float *c,
                                        long ldc, long w, float alpha, float beta)
{
    __m512 x[8][8];
    __mmask16 m[8];
    for (int v = 0; v < V; v++) m[v] = nk_mask16(w - 16 * v);
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++) x[r][v] = _mm512_setzero_ps();
    if (w == 16 * V) {
        for (long k = 0; k < K; k++, b += ldb) {
            __m512 y[8];
            for (int v = 0; v < V; v++) y[v] = _mm512_loadu_ps(b + 16 * v);
            for (int r = 0; r < R; r++) {
                __m512 t = _mm512_set1_ps(a[r * sai + k * sak]);
                for (int v = 0; v < V; v++) x[r][v] = _mm512_fmadd_ps(t, y[v], x[r][v]);
            }
        }
    } else {   /* right edge: masked loads read nothing past column w */
        for (long k = 0; k < K; k++, b += ldb) {
            __m512 y[8];
            for (int v = 0; v < V; v++) y[v] = _mm512_maskz_loadu_ps(m[v], b + 16 * v);
            for (int r = 0; r < R; r++) {
                __m512 t = _mm512_set1_ps(a[r * sai + k * sak]);
                for (int v = 0; v < V; v++) x[r][v] = _mm512_fmadd_ps(t, y[v], x[r][v]);
            }
        }
    }
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V && 16 * v < w; v++)
            nk_store16(c + r * ldc + 16 * v, x[r][v], alpha, beta, m[v]);
}

/* All columns of R rows, in tiles of 16·V columns; with V = 8, a last tile
 * of at most 64 columns runs with V = 4 rather than half its loads masked,
 * and one of at most 16 (a 10-class output) with V = 1. */
static NK_INLINE NK_AVX512 void nn_rows(const int R, const int V, const nk_gemm_args *g,
                                        const float *a, long sai, long sak, float *c)
{
    for (long j = 0; j < g->N; j += 16 * V) {
        long w = g->N - j < 16 * V ? g->N - j : 16 * V;
        if (w <= 16)
            nn_tile(R, 1, g->K, a, sai, sak, g->B + j, g->ldb, c + j, g->ldc, w, g->alpha, g->beta);
        else if (V == 8 && w <= 64)
            nn_tile(R, 4, g->K, a, sai, sak, g->B + j, g->ldb, c + j, g->ldc, w, g->alpha, g->beta);
        else
            nn_tile(R, V, g->K, a, sai, sak, g->B + j, g->ldb, c + j, g->ldc, w, g->alpha, g->beta);
    }
}

/* op(B) = B: C rows in groups of at most 8, each group one pass over B. */
NK_AVX512 static void small_nn(const nk_gemm_args *g)
{
    const long sai = g->ta ? 1 : g->lda, sak = g->ta ? g->lda : 1;
    for (long i = 0; i < g->M;) {
        const float *a = g->A + i * sai;
        float *c = g->C + i * g->ldc;
        long rows = g->M - i < 8 ? g->M - i : 8;
        switch (rows) {   /* constant R, V: one unrolled body each */
        case 1: nn_rows(1, 8, g, a, sai, sak, c); break;
        case 2: nn_rows(2, 8, g, a, sai, sak, c); break;
        case 3: nn_rows(3, 4, g, a, sai, sak, c); break;
        case 4: nn_rows(4, 4, g, a, sai, sak, c); break;
        case 5: nn_rows(5, 4, g, a, sai, sak, c); break;
        case 6: nn_rows(6, 4, g, a, sai, sak, c); break;
        case 7: nn_rows(7, 3, g, a, sai, sak, c); break;
        default: nn_rows(8, 3, g, a, sai, sak, c); break;
        }
        i += rows;
    }
}

/* C rows [0,R) × columns [0,cols) (cols <= Q), dot products over k. Rows of
 * A at a + r·lda, rows of B (columns of op(B)) at b + q·ldb; columns past
 * cols alias column 0 and are not stored. */
static NK_INLINE NK_AVX512 void nt_tile(const int R, const int Q, long K,
                                        const float *a, long lda, const float *b,
                                        long ldb, int cols, float *c, long ldc,
                                        float alpha, float beta)
{
    const float *bq[8];
    for (int q = 0; q < Q; q++) bq[q] = b + (q < cols ? q : 0) * ldb;
    __m512 s[8][8], x[8];
    for (int r = 0; r < R; r++)
        for (int q = 0; q < Q; q++) s[r][q] = _mm512_setzero_ps();
    for (long k = 0; k < K; k += 16) {
        const __mmask16 mk = nk_mask16(K - k);   /* all lanes but at the end */
        for (int r = 0; r < R; r++) x[r] = _mm512_maskz_loadu_ps(mk, a + r * lda + k);
        for (int q = 0; q < Q; q++) {
            __m512 y = _mm512_maskz_loadu_ps(mk, bq[q] + k);
            for (int r = 0; r < R; r++) s[r][q] = _mm512_fmadd_ps(x[r], y, s[r][q]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int q = 0; q < cols; q++) {
            float v = alpha * _mm512_reduce_add_ps(s[r][q]);
            float *cq = c + r * ldc + q;
            *cq = beta == 0.0f ? v : v + beta * *cq;
        }
}

/* All columns of R rows, Q at a time. */
static NK_INLINE NK_AVX512 void nt_rows(const int R, const int Q, const nk_gemm_args *g,
                                        const float *a, float *c)
{
    for (long j = 0; j < g->N; j += Q) {
        int cols = g->N - j < Q ? (int)(g->N - j) : Q;
        nt_tile(R, Q, g->K, a, g->lda, g->B + j * g->ldb, g->ldb, cols, c + j, g->ldc,
                g->alpha, g->beta);
    }
}

/* op(B) = Bᵀ, op(A) = A: C[i][j] = dot(A row i, B row j), rows in groups of
 * at most 8 so that B is read once for M <= 8. */
NK_AVX512 static void small_nt(const nk_gemm_args *g)
{
    for (long i = 0; i < g->M;) {
        const float *a = g->A + i * g->lda;
        float *c = g->C + i * g->ldc;
        long rows = g->M - i < 8 ? g->M - i : 8;
        switch (rows) {   /* R·Q accumulators + R A vectors + 1 B vector <= 32 */
        case 1: nt_rows(1, 8, g, a, c); break;
        case 2: nt_rows(2, 6, g, a, c); break;
        case 3: nt_rows(3, 4, g, a, c); break;
        case 4: nt_rows(4, 4, g, a, c); break;
        case 5: nt_rows(5, 3, g, a, c); break;
        case 6: nt_rows(6, 3, g, a, c); break;
        case 7: nt_rows(7, 2, g, a, c); break;
        default: nt_rows(8, 2, g, a, c); break;
        }
        i += rows;
    }
}

NK_AVX512 void nk_avx512_small(const nk_gemm_args *g)
{
    if (g->tb) small_nt(g);   /* the driver guarantees !ta here */
    else small_nn(g);
}

#endif /* __x86_64__ */
