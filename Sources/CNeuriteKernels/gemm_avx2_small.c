/*
 * AVX2 packing-free path for tiny M (batch-1..4 inference, e.g. 1×784·784×128).
 *
 * WHY: with M <= 4 every element of B is used at most 4 times, so packing B
 * (the bulk of the data) costs as much as the arithmetic, and a 6-row
 * micro-tile would be mostly padding. Instead B is streamed straight from
 * memory:
 *  - op(B) = B (row-major K×N): broadcast A[i][k], FMA against rows of B.
 *    One row: blocks of 64 columns = 8 accumulators (latency needs >= 8 FMA
 *    chains), K cut in blocks that stay in L1, and at most 16 columns in
 *    4 chains each; 2-4 rows: 16 columns × 4 rows.
 *  - op(B) = Bᵀ (B stored N×K), op(A) = A: dot products along k, tiles of
 *    2 rows × 4 columns = 8 accumulators.
 * Only alpha/beta are applied here; the driver runs the epilogue.
 */
#include "gemm_internal.h"
#include "avx2_common.h"

#if defined(__x86_64__)

/* c = alpha*x + beta*c under lane mask (full: plain loads/stores). */
static inline NK_AVX2 void store8(float *c, __m256 x, float alpha, float beta,
                                  __m256i m, int full)
{
    x = _mm256_mul_ps(_mm256_set1_ps(alpha), x);
    if (full) {
        if (beta != 0.0f) x = _mm256_fmadd_ps(_mm256_set1_ps(beta), _mm256_loadu_ps(c), x);
        _mm256_storeu_ps(c, x);
    } else {
        if (beta != 0.0f) x = _mm256_fmadd_ps(_mm256_set1_ps(beta), _mm256_maskload_ps(c, m), x);
        _mm256_maskstore_ps(c, m, x);
    }
}

/* One row of C, 64 whole columns, over rows [0,K) of B: 8 accumulators
 * (enough FMA chains to hide latency), resumed from sum[64] unless first,
 * left there unless last, when they go to c. Each column is one chain over
 * k in order whichever K block ends the call, so cutting K changes no bit. */
NK_AVX2 static void row1_w64_part(long K, const float *a, long sak, const float *b, long ldb,
                                  float *sum, int first, int last, float *c, float alpha, float beta)
{
    __m256 x[8];
    for (int v = 0; v < 8; v++) x[v] = first ? _mm256_setzero_ps() : _mm256_loadu_ps(sum + 8 * v);
    __m256 x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3], x4 = x[4], x5 = x[5], x6 = x[6], x7 = x[7], t;
    for (long k = 0; k < K; k++, a += sak, b += ldb) {
        t = _mm256_broadcast_ss(a);
        x0 = _mm256_fmadd_ps(t, _mm256_loadu_ps(b), x0);      x1 = _mm256_fmadd_ps(t, _mm256_loadu_ps(b + 8), x1);
        x2 = _mm256_fmadd_ps(t, _mm256_loadu_ps(b + 16), x2); x3 = _mm256_fmadd_ps(t, _mm256_loadu_ps(b + 24), x3);
        x4 = _mm256_fmadd_ps(t, _mm256_loadu_ps(b + 32), x4); x5 = _mm256_fmadd_ps(t, _mm256_loadu_ps(b + 40), x5);
        x6 = _mm256_fmadd_ps(t, _mm256_loadu_ps(b + 48), x6); x7 = _mm256_fmadd_ps(t, _mm256_loadu_ps(b + 56), x7);
    }
    __m256 y[8] = { x0, x1, x2, x3, x4, x5, x6, x7 };
    for (int v = 0; v < 8; v++) {
        if (last) store8(c + 8 * v, y[v], alpha, beta, nk_mask8(8), 1);
        else _mm256_storeu_ps(sum + 8 * v, y[v]);
    }
}

/* One row of C, its whole 64-column blocks (full columns, a multiple of
 * 64), in groups of at most 1024 columns, each group over K in blocks of
 * rows that fill 16 KiB.
 *
 * WHY blocks of K: 64 columns at a time, the row of C read B in one pass
 * per block of columns, 256 bytes of each row of B at a 512-byte stride for
 * 784×128 weights, the L2 streaming each half of every row into L1 in its
 * own pass. A block of 32 rows of all 128 columns is 16 KiB: the second
 * block of columns finds the rows in L1. The first layer of batch-1
 * inference, 1×784·784×128 with bias and ReLU on 2 threads (each its half
 * of K), alternated in one process on the AVX2 host: medians 3.54–3.89
 * against 3.97–4.28 µs (six runs); blocks of 8 or 32 KiB about as fast as
 * 16, of 4 KiB slower. */
#define ROW1_GROUP 1024          /* columns whose running sums stay on the stack (4 KiB) */
#define ROW1_BLOCK_FLOATS 4096   /* a K block of a group's rows of B: 16 KiB */

NK_AVX2 static void row1_full_blocks(const nk_gemm_args *g, const float *a, long sak, float *c, long full)
{
    float sum[ROW1_GROUP];
    for (long j0 = 0; j0 < full; j0 += ROW1_GROUP) {
        long group = full - j0 < ROW1_GROUP ? full - j0 : ROW1_GROUP;
        long rows = ROW1_BLOCK_FLOATS / group < 8 ? 8 : ROW1_BLOCK_FLOATS / group;
        for (long k0 = 0; k0 < g->K; k0 += rows) {
            long kb = g->K - k0 < rows ? g->K - k0 : rows;
            for (long j = j0; j < j0 + group; j += 64)
                row1_w64_part(kb, a + k0 * sak, sak, g->B + k0 * g->ldb + j, g->ldb, sum + (j - j0),
                              k0 == 0, k0 + kb >= g->K, c + j, g->alpha, g->beta);
        }
    }
}

/* One row of C, 16 < w < 64 columns, every load masked; 8 chains as in
 * row1_w64_part. */
NK_AVX2 static void row1_w64_masked(long K, const float *a, long sak, const float *b,
                                    long ldb, float *c, long w, float alpha, float beta)
{
    __m256 x0 = _mm256_setzero_ps(), x1 = x0, x2 = x0, x3 = x0,
           x4 = x0, x5 = x0, x6 = x0, x7 = x0, t;
    __m256i m[8];
    for (int v = 0; v < 8; v++) m[v] = nk_mask8(w - 8 * v);
    for (long k = 0; k < K; k++, a += sak, b += ldb) {
        t = _mm256_broadcast_ss(a);
        x0 = _mm256_fmadd_ps(t, _mm256_maskload_ps(b, m[0]), x0);
        x1 = _mm256_fmadd_ps(t, _mm256_maskload_ps(b + 8, m[1]), x1);
        x2 = _mm256_fmadd_ps(t, _mm256_maskload_ps(b + 16, m[2]), x2);
        x3 = _mm256_fmadd_ps(t, _mm256_maskload_ps(b + 24, m[3]), x3);
        x4 = _mm256_fmadd_ps(t, _mm256_maskload_ps(b + 32, m[4]), x4);
        x5 = _mm256_fmadd_ps(t, _mm256_maskload_ps(b + 40, m[5]), x5);
        x6 = _mm256_fmadd_ps(t, _mm256_maskload_ps(b + 48, m[6]), x6);
        x7 = _mm256_fmadd_ps(t, _mm256_maskload_ps(b + 56, m[7]), x7);
    }
    __m256 x[8] = { x0, x1, x2, x3, x4, x5, x6, x7 };
    for (int v = 0; v < 8 && 8 * v < w; v++)
        store8(c + 8 * v, x[v], alpha, beta, m[v], w - 8 * v >= 8);
}

/* One row of C, w <= 16 columns (a 10-class output layer at batch 1). WHY
 * not row1_w64_masked: its 8 chains are 8 column vectors, so 10 columns
 * cost 8 masked loads and 8 FMAs per k for 2 vectors of use (1×128·128×10:
 * 0.48 µs, ~8 cycles per k on Zen 3). Here K runs in 4 interleaved chains
 * per column vector: 2 loads per k and still 8 chains to hide FMA latency. */
NK_AVX2 static void row1_w16(long K, const float *a, long sak, const float *b,
                             long ldb, float *c, long w, float alpha, float beta)
{
    const __m256i m0 = nk_mask8(w), m1 = nk_mask8(w - 8);
    __m256 s00 = _mm256_setzero_ps(), s01 = s00, s02 = s00, s03 = s00,
           s10 = s00, s11 = s00, s12 = s00, s13 = s00;
    /* Each loop is written out for its loads, so that no test on w is left
     * inside it; the second vector's chains stay zero when w <= 8. */
#define NK_W16_STEP(S0, S1, LOAD0, LOAD1, kk)                               \
    { const float *bk = b + (kk) * ldb;                                     \
      __m256 t = _mm256_broadcast_ss(a + (kk) * sak);                       \
      S0 = _mm256_fmadd_ps(t, LOAD0, S0); S1 = _mm256_fmadd_ps(t, LOAD1, S1); }
#define NK_W16_LOOP(LOAD0, LOAD1)                                           \
    { long k = 0;                                                           \
      for (; k + 4 <= K; k += 4) {                                          \
          NK_W16_STEP(s00, s10, LOAD0, LOAD1, k)                            \
          NK_W16_STEP(s01, s11, LOAD0, LOAD1, k + 1)                        \
          NK_W16_STEP(s02, s12, LOAD0, LOAD1, k + 2)                        \
          NK_W16_STEP(s03, s13, LOAD0, LOAD1, k + 3)                        \
      }                                                                     \
      for (; k < K; k++) NK_W16_STEP(s00, s10, LOAD0, LOAD1, k) }
    const __m256 zero = _mm256_setzero_ps();
    if (w == 16)     NK_W16_LOOP(_mm256_loadu_ps(bk), _mm256_loadu_ps(bk + 8))
    else if (w > 8)  NK_W16_LOOP(_mm256_loadu_ps(bk), _mm256_maskload_ps(bk + 8, m1))
    else if (w == 8) NK_W16_LOOP(_mm256_loadu_ps(bk), zero)
    else             NK_W16_LOOP(_mm256_maskload_ps(bk, m0), zero)
#undef NK_W16_LOOP
#undef NK_W16_STEP
    __m256 x0 = _mm256_add_ps(_mm256_add_ps(s00, s01), _mm256_add_ps(s02, s03));
    __m256 x1 = _mm256_add_ps(_mm256_add_ps(s10, s11), _mm256_add_ps(s12, s13));
    store8(c, x0, alpha, beta, m0, w >= 8);
    if (w > 8) store8(c + 8, x1, alpha, beta, m1, w == 16);
}

/* Up to 4 rows (a[r] row pointers; unused ones alias row 0) × w <= 16
 * columns. Masked B loads only when w < 16. */
NK_AVX2 static void rows4_w16(long K, const float *const a[4], long sak,
                              const float *b, long ldb, float *c, long ldc,
                              int rows, long w, float alpha, float beta)
{
    __m256 x00 = _mm256_setzero_ps(), x01 = x00, x10 = x00, x11 = x00,
           x20 = x00, x21 = x00, x30 = x00, x31 = x00, b0, b1, t;
    const __m256i m0 = nk_mask8(w), m1 = nk_mask8(w - 8);
    const int full = w == 16;
#define NK_R4_BODY                                                          \
    t = _mm256_broadcast_ss(a[0] + k * sak);                                \
    x00 = _mm256_fmadd_ps(t, b0, x00); x01 = _mm256_fmadd_ps(t, b1, x01);   \
    t = _mm256_broadcast_ss(a[1] + k * sak);                                \
    x10 = _mm256_fmadd_ps(t, b0, x10); x11 = _mm256_fmadd_ps(t, b1, x11);   \
    t = _mm256_broadcast_ss(a[2] + k * sak);                                \
    x20 = _mm256_fmadd_ps(t, b0, x20); x21 = _mm256_fmadd_ps(t, b1, x21);   \
    t = _mm256_broadcast_ss(a[3] + k * sak);                                \
    x30 = _mm256_fmadd_ps(t, b0, x30); x31 = _mm256_fmadd_ps(t, b1, x31);
    if (full) {
        for (long k = 0; k < K; k++, b += ldb) {
            b0 = _mm256_loadu_ps(b); b1 = _mm256_loadu_ps(b + 8);
            NK_R4_BODY
        }
    } else {
        for (long k = 0; k < K; k++, b += ldb) {
            b0 = _mm256_maskload_ps(b, m0); b1 = _mm256_maskload_ps(b + 8, m1);
            NK_R4_BODY
        }
    }
#undef NK_R4_BODY
    __m256 x[8] = { x00, x01, x10, x11, x20, x21, x30, x31 };
    for (int r = 0; r < rows; r++) {
        store8(c + r * ldc, x[2 * r], alpha, beta, m0, full);
        if (w > 8) store8(c + r * ldc + 8, x[2 * r + 1], alpha, beta, m1, full);
    }
}

/* op(B) = B: C rows [0,M) in groups of 4. */
NK_AVX2 static void small_nn(const nk_gemm_args *g)
{
    const long sai = g->ta ? 1 : g->lda, sak = g->ta ? g->lda : 1;
    for (long i = 0; i < g->M; i += 4) {
        int rows = g->M - i < 4 ? (int)(g->M - i) : 4;
        const float *a[4];
        for (int r = 0; r < 4; r++) a[r] = g->A + (i + (r < rows ? r : 0)) * sai;
        float *c = g->C + i * g->ldc;
        if (rows == 1) {        /* 1 row: 64-blocks, then a narrow or masked rest */
            long full = g->N / 64 * 64, rest = g->N - full;
            if (full) row1_full_blocks(g, a[0], sak, c, full);
            if (rest > 16)
                row1_w64_masked(g->K, a[0], sak, g->B + full, g->ldb, c + full, rest, g->alpha, g->beta);
            else if (rest)
                row1_w16(g->K, a[0], sak, g->B + full, g->ldb, c + full, rest, g->alpha, g->beta);
            continue;
        }
        for (long j = 0; j < g->N; j += 16) {
            long w = g->N - j < 16 ? g->N - j : 16;
            rows4_w16(g->K, a, sak, g->B + j, g->ldb, c + j, g->ldc, rows, w,
                      g->alpha, g->beta);
        }
    }
}

/* Sum each of 4 vectors: returns {Σv0, Σv1, Σv2, Σv3}. */
static inline NK_AVX2 __m128 hsum4(__m256 v0, __m256 v1, __m256 v2, __m256 v3)
{
    __m256 s = _mm256_hadd_ps(_mm256_hadd_ps(v0, v1), _mm256_hadd_ps(v2, v3));
    return _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
}

/* op(B) = Bᵀ, op(A) = A: C[i][j] = dot(A row i, B row j). */
NK_AVX2 static void small_nt(const nk_gemm_args *g)
{
    const long K = g->K, kv = K & ~7L;
    const __m256i mk = nk_mask8(K - kv);
    for (long i = 0; i < g->M; i += 2) {
        int rows = g->M - i < 2 ? 1 : 2;
        const float *a0 = g->A + i * g->lda, *a1 = a0 + (rows - 1) * g->lda;
        for (long j = 0; j < g->N; j += 4) {
            int cols = g->N - j < 4 ? (int)(g->N - j) : 4;
            const float *b[4];
            for (int q = 0; q < 4; q++) b[q] = g->B + (j + (q < cols ? q : 0)) * g->ldb;
            __m256 s00 = _mm256_setzero_ps(), s01 = s00, s02 = s00, s03 = s00,
                   s10 = s00, s11 = s00, s12 = s00, s13 = s00, x0, x1, y;
#define NK_NT_BODY(LOAD)                                                    \
            x0 = LOAD(a0 + k); x1 = LOAD(a1 + k);                           \
            y = LOAD(b[0] + k); s00 = _mm256_fmadd_ps(x0, y, s00); s10 = _mm256_fmadd_ps(x1, y, s10); \
            y = LOAD(b[1] + k); s01 = _mm256_fmadd_ps(x0, y, s01); s11 = _mm256_fmadd_ps(x1, y, s11); \
            y = LOAD(b[2] + k); s02 = _mm256_fmadd_ps(x0, y, s02); s12 = _mm256_fmadd_ps(x1, y, s12); \
            y = LOAD(b[3] + k); s03 = _mm256_fmadd_ps(x0, y, s03); s13 = _mm256_fmadd_ps(x1, y, s13);
#define NK_MLOAD(p) _mm256_maskload_ps((p), mk)
            long k = 0;
            for (; k < kv; k += 8) { NK_NT_BODY(_mm256_loadu_ps) }
            if (k < K) { NK_NT_BODY(NK_MLOAD) }
#undef NK_MLOAD
#undef NK_NT_BODY
            __m128 r[2] = { hsum4(s00, s01, s02, s03), hsum4(s10, s11, s12, s13) };
            for (int ri = 0; ri < rows; ri++) {
                float out[4], *c = g->C + (i + ri) * g->ldc + j;
                _mm_storeu_ps(out, _mm_mul_ps(_mm_set1_ps(g->alpha), r[ri]));
                for (int q = 0; q < cols; q++)
                    c[q] = g->beta == 0.0f ? out[q] : out[q] + g->beta * c[q];
            }
        }
    }
}

NK_AVX2 void nk_avx2_small(const nk_gemm_args *g)
{
    if (g->tb) small_nt(g);   /* the driver guarantees !ta here */
    else small_nn(g);
}

#endif /* __x86_64__ */
