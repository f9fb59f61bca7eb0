/*
 * AVX2+FMA kernel family: 6×16 micro-kernel (storing its tile, or applying
 * SGD's update to it: gemm_sgd.c), vector epilogue, kernel table.
 *
 * WHY 6×16: 12 ymm accumulators + 2 B vectors + 1 broadcast = 15 of the 16
 * ymm registers. Each k step issues 12 FMAs against 8 loads, enough
 * independent chains (12 > 2 FMA pipes × 4-cycle latency) to keep both FMA
 * pipes of a Zen core busy.
 */
#include "gemm_internal.h"
#include "avx2_common.h"

#if defined(__x86_64__)

#define MR 6
#define NR 16

void nk_avx2_pack_a(int trans, long mc, long kc, const float *A, long lda, float *dst);
void nk_avx2_pack_b(int trans, long kc, long nc, const float *B, long ldb, float *dst);
void nk_avx2_small(const nk_gemm_args *g);

/* One k step: 2 B vectors (bs floats after the last step's: NR in a packed
 * panel, ldb where B is read in place), 6 broadcasts of A, 12 FMAs. */
#define NK_ROW(i, o)                                                        \
    t = _mm256_broadcast_ss(a + MR * (o) + (i));                            \
    c##i##0 = _mm256_fmadd_ps(t, b0, c##i##0);                              \
    c##i##1 = _mm256_fmadd_ps(t, b1, c##i##1);
#define NK_STEP(o)                                                          \
    b0 = _mm256_loadu_ps(b + bs * (o));                                     \
    b1 = _mm256_loadu_ps(b + bs * (o) + 8);                                 \
    NK_ROW(0, o) NK_ROW(1, o) NK_ROW(2, o) NK_ROW(3, o) NK_ROW(4, o) NK_ROW(5, o)

/* The tile's update by nk_sgd_update's rule, without FMA (sgd.c): the
 * gradient g, the weights w and velocity v (NULL: none), all eight lanes
 * (full) or those of mask. Returns the lanes' sign bits set where the new
 * weight is NaN or ±∞. WHY two ways: a masked store is microcoded on Zen
 * (VMASKMOVPS), and the whole tiles, nearly all of them, need none. */
static inline __attribute__((always_inline)) NK_AVX2 __m256i sgd8(__m256 g, float *w, float *v,
                                                                  const nk_sgd_step *step, int full, __m256i mask)
{
    const __m256 weight = full ? _mm256_loadu_ps(w) : _mm256_maskload_ps(w, mask);
    const __m256 d = _mm256_add_ps(g, _mm256_mul_ps(_mm256_set1_ps(step->weight_decay), weight));
    __m256 direction = d;
    if (v) {
        const __m256 mu = _mm256_set1_ps(step->momentum);
        const __m256 old = full ? _mm256_loadu_ps(v) : _mm256_maskload_ps(v, mask);
        const __m256 velocity = _mm256_add_ps(_mm256_mul_ps(mu, old), d);
        if (full) _mm256_storeu_ps(v, velocity);
        else _mm256_maskstore_ps(v, mask, velocity);
        direction = step->nesterov ? _mm256_add_ps(d, _mm256_mul_ps(mu, velocity)) : velocity;
    }
    const __m256 updated = _mm256_sub_ps(weight, _mm256_mul_ps(_mm256_set1_ps(step->learning_rate), direction));
    if (full) _mm256_storeu_ps(w, updated);
    else _mm256_maskstore_ps(w, mask, updated);
    const __m256i exponent = _mm256_set1_epi32(0x7f800000);
    const __m256i bits = _mm256_and_si256(_mm256_castps_si256(updated), exponent);
    return _mm256_and_si256(_mm256_cmpeq_epi32(bits, exponent), mask);
}

/* The micro-kernel, storing the tile (w == NULL) or applying nk_sgemm_sgd's
 * update to it (gemm_sgd.c): w and v are the tile's weights and velocity,
 * laid out as C. Returns 0 when an updated weight is not finite, else 1.
 * WHY fused here and not after the tile is stored: the weights and velocities
 * come from L3 (a 784-512-512-10 MLP's do not fit the two cores' L2); fetched
 * when the tile starts, their reads overlap the tile's arithmetic, where the
 * update after the store waited for them. */
static inline __attribute__((always_inline)) NK_AVX2 int micro_6x16_body(
    long kc, const float *restrict a, const float *restrict b, long bs, float *restrict c, long ldc,
    int m, int n, float alpha, float beta, float *restrict w, float *restrict v, const nk_sgd_step *step)
{
    /* C (or what updates it) is touched last; start fetching it now. A
     * weight row of 16 floats spans two lines unless it is 64-byte aligned. */
    for (int i = 0; i < m; i++) {
        if (!w || beta != 0.0f)
            _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
        if (w) {
            _mm_prefetch((const char *)(w + i * ldc), _MM_HINT_T0);
            _mm_prefetch((const char *)(w + i * ldc + NR - 1), _MM_HINT_T0);
        }
        if (v) {
            _mm_prefetch((const char *)(v + i * ldc), _MM_HINT_T0);
            _mm_prefetch((const char *)(v + i * ldc + NR - 1), _MM_HINT_T0);
        }
    }

    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00,
           c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00,
           c50 = c00, c51 = c00, b0, b1, t;
    long k = 0;
    for (; k + 4 <= kc; k += 4, a += 4 * MR, b += 4 * bs) {
        NK_STEP(0) NK_STEP(1) NK_STEP(2) NK_STEP(3)
    }
    for (; k < kc; k++, a += MR, b += bs) {
        NK_STEP(0)
    }

    __m256 acc[2 * MR] = { c00, c01, c10, c11, c20, c21,
                           c30, c31, c40, c41, c50, c51 };
    const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
    if (w) {
        const __m256i m0 = nk_mask8(n), m1 = nk_mask8(n - 8);
        __m256i bad = _mm256_setzero_si256();
        for (int i = 0; i < m; i++)
            for (int h = 0; h < 2; h++) {
                const long at = i * ldc + 8 * h;
                const __m256i mask = h ? m1 : m0;
                __m256 g = _mm256_mul_ps(va, acc[2 * i + h]);  /* as the store below */
                if (beta != 0.0f)
                    g = _mm256_fmadd_ps(vb, n == NR ? _mm256_loadu_ps(c + at) : _mm256_maskload_ps(c + at, mask), g);
                bad = _mm256_or_si256(bad, sgd8(g, w + at, v ? v + at : NULL, step, n == NR, mask));
            }
        return _mm256_testz_si256(bad, bad);
    }
    if (n == NR) {                 /* full width (any m): vector stores */
        for (int i = 0; i < m; i++) {
            float *ci = c + i * ldc;
            __m256 x0 = _mm256_mul_ps(va, acc[2 * i]);
            __m256 x1 = _mm256_mul_ps(va, acc[2 * i + 1]);
            if (beta != 0.0f) {
                x0 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(ci), x0);
                x1 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(ci + 8), x1);
            }
            _mm256_storeu_ps(ci, x0);
            _mm256_storeu_ps(ci + 8, x1);
        }
    } else {                       /* right edge: masked, C beyond n untouched */
        __m256i m0 = nk_mask8(n), m1 = nk_mask8(n - 8);
        for (int i = 0; i < m; i++) {
            float *ci = c + i * ldc;
            __m256 x0 = _mm256_mul_ps(va, acc[2 * i]);
            __m256 x1 = _mm256_mul_ps(va, acc[2 * i + 1]);
            if (beta != 0.0f) {
                x0 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(ci, m0), x0);
                x1 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(ci + 8, m1), x1);
            }
            _mm256_maskstore_ps(ci, m0, x0);
            _mm256_maskstore_ps(ci + 8, m1, x1);
        }
    }
    return 1;
}

NK_AVX2 static void micro_6x16(long kc, const float *restrict a, const float *restrict b, float *restrict c,
                               long ldc, int m, int n, float alpha, float beta)
{
    micro_6x16_body(kc, a, b, NR, c, ldc, m, n, alpha, beta, NULL, NULL, NULL);
}

/* B read where it lies, row k at b + k·ldb (gemm_block.c's nk_b_in_place). */
NK_AVX2 static void micro_6x16_b_in_place(long kc, const float *restrict a, const float *restrict b, long ldb,
                                          float *restrict c, long ldc, int m, int n, float alpha, float beta)
{
    micro_6x16_body(kc, a, b, ldb, c, ldc, m, n, alpha, beta, NULL, NULL, NULL);
}

NK_AVX2 static int micro_6x16_sgd(long kc, const float *a, const float *b, const float *c, long ldc, int m,
                                  int n, float alpha, float beta, float *weight, float *velocity,
                                  const nk_sgd_step *step)
{
    /* C is only read (beta != 0: the earlier K blocks' sum). */
    return micro_6x16_body(kc, a, b, NR, (float *)c, ldc, m, n, alpha, beta, weight, velocity, step);
}

NK_AVX2 void nk_avx2_epilogue_row(float *c, long n, const float *bias, int act)
{
    long j = 0;
    for (; j + 8 <= n; j += 8) {
        __m256 x = _mm256_loadu_ps(c + j);
        if (bias) x = _mm256_add_ps(x, _mm256_loadu_ps(bias + j));
        _mm256_storeu_ps(c + j, nk_act256(x, act));
    }
    if (j < n) {
        __m256i m = nk_mask8(n - j);
        __m256 x = _mm256_maskload_ps(c + j, m);
        if (bias) x = _mm256_add_ps(x, _mm256_maskload_ps(bias + j, m));
        _mm256_maskstore_ps(c + j, m, nk_act256(x, act));
    }
}

/* Blocking, derived from the cache sizes (32 KiB L1d; 1 MiB L2 per core
 * where it was set, 512 KiB on the Zen 3 EPYC of stops 38–40, where these
 * blocks fit as well): kc = 256 keeps a 16 KiB B micro-panel in L1; the
 * mc×kc A block (144 KiB) sits in L2; nc bounds the packed B block (kc×nc,
 * 2 MiB) to L3. Not swept further: single-thread speed is already
 * 0.95-1.0× OpenBLAS at 256..2048.
 * small_max_m = 11 was measured: the packing-free path beats packing up to
 * M = 10-11 at K=784, N=128 (e.g. M=8: 21 µs vs 47 µs); at M=12 they tie. */
#ifndef NK_AVX2_MC             /* overridable only for tuning runs */
#define NK_AVX2_MC 144
#define NK_AVX2_KC 256
#define NK_AVX2_NC 2048
#endif
#ifndef NK_AVX2_SMALL_MAX_M
#define NK_AVX2_SMALL_MAX_M 11
#endif

const nk_kernel nk_kernel_avx2 = {
    .name = "avx2+fma",
    .mr = MR, .nr = NR,
    .mc = NK_AVX2_MC, .kc = NK_AVX2_KC, .nc = NK_AVX2_NC,
    .pack_a = nk_avx2_pack_a,
    .pack_b = nk_avx2_pack_b,
    .micro = micro_6x16,
    .micro_sgd = micro_6x16_sgd,
    .micro_b_in_place = micro_6x16_b_in_place,
    .epilogue_row = nk_avx2_epilogue_row,
    .small = nk_avx2_small,
    .small_max_m = NK_AVX2_SMALL_MAX_M,
};

#endif /* __x86_64__ */
