/*
 * AVX-512 kernel family: MR×32 micro-kernel, kernel table. The epilogue
 * (bias + activation, O(M·N) next to the O(M·N·K) product) is the AVX2
 * family's.
 *
 * WHY MR×32 with MR = 8: 16 zmm accumulators (two vectors of 16 columns per
 * row) + 2 B vectors + 1 broadcast, of the 32 zmm registers. Each k step is
 * 16 FMAs against 2 B loads and 8 broadcast loads: 8 cycles on the 2 FMA
 * units, with 16 independent chains (> 2 units × 4-cycle latency). Eight rows
 * divide the batches layers run at (32, 64, 128, 256) and the 784 inputs of
 * MNIST's first weight gradient, where 12 or 14 would compute padding rows;
 * 32 columns divide the 128/512-wide layers.
 */
#include "avx512_common.h"

#if defined(__x86_64__)

#define MR NK_AVX512_MR
#define NR NK_AVX512_NR

/* One k step: 2 B vectors, MR broadcasts of A, 2·MR FMAs. */
#define NK_ROW(i, o)                                                        \
    t = _mm512_set1_ps(a[MR * (o) + (i)]);                                  \
    c##i##0 = _mm512_fmadd_ps(t, b0, c##i##0);                              \
    c##i##1 = _mm512_fmadd_ps(t, b1, c##i##1);
#define NK_STEP(o)                                                          \
    b0 = _mm512_loadu_ps(b + NR * (o));                                      \
    b1 = _mm512_loadu_ps(b + NR * (o) + 16);                                 \
    NK_ROW(0, o) NK_ROW(1, o) NK_ROW(2, o) NK_ROW(3, o)                     \
    NK_ROW(4, o) NK_ROW(5, o) NK_ROW(6, o) NK_ROW(7, o)

/* The tile's update by nk_sgd_update's rule, without FMA (sgd.c), lanes of
 * mk: the gradient g, the weights w and velocity v (NULL: none). Returns
 * the lanes whose new weight is NaN or ±∞. */
static inline NK_AVX512 __mmask16 sgd16(__m512 g, float *w, float *v, const nk_sgd_step *step, __mmask16 mk)
{
    const __m512 weight = _mm512_maskz_loadu_ps(mk, w);
    const __m512 d = _mm512_add_ps(g, _mm512_mul_ps(_mm512_set1_ps(step->weight_decay), weight));
    __m512 direction = d;
    if (v) {
        const __m512 mu = _mm512_set1_ps(step->momentum);
        const __m512 velocity = _mm512_add_ps(_mm512_mul_ps(mu, _mm512_maskz_loadu_ps(mk, v)), d);
        _mm512_mask_storeu_ps(v, mk, velocity);
        direction = step->nesterov ? _mm512_add_ps(d, _mm512_mul_ps(mu, velocity)) : velocity;
    }
    const __m512 updated = _mm512_sub_ps(weight, _mm512_mul_ps(_mm512_set1_ps(step->learning_rate), direction));
    _mm512_mask_storeu_ps(w, mk, updated);
    const __m512i exponent = _mm512_set1_epi32(0x7f800000);
    return _mm512_mask_cmpeq_epi32_mask(mk, _mm512_and_si512(_mm512_castps_si512(updated), exponent), exponent);
}

/* The micro-kernel, storing the tile (w == NULL) or applying nk_sgemm_sgd's
 * update to it (gemm_sgd.c): w and v are the tile's weights and velocity,
 * laid out as C. Returns 0 when an updated weight is not finite, else 1. */
static inline __attribute__((always_inline)) NK_AVX512 int micro_8x32_body(
    long kc, const float *restrict a, const float *restrict b, float *restrict c, long ldc,
    int m, int n, float alpha, float beta, float *restrict w, float *restrict v, const nk_sgd_step *step)
{
    for (int i = 0; i < m; i++) {  /* C (or what updates it) is touched last; start fetching it now */
        if (!w || beta != 0.0f) {
            _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
            _mm_prefetch((const char *)(c + i * ldc + 16), _MM_HINT_T0);
        }
        if (w) {
            _mm_prefetch((const char *)(w + i * ldc), _MM_HINT_T0);
            _mm_prefetch((const char *)(w + i * ldc + 16), _MM_HINT_T0);
        }
        if (v) {
            _mm_prefetch((const char *)(v + i * ldc), _MM_HINT_T0);
            _mm_prefetch((const char *)(v + i * ldc + 16), _MM_HINT_T0);
        }
    }
    __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00,
           c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00,
           c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00,
           b0, b1, t;
    long k = 0;
    for (; k + 4 <= kc; k += 4, a += 4 * MR, b += 4 * NR) {
        NK_STEP(0) NK_STEP(1) NK_STEP(2) NK_STEP(3)
    }
    for (; k < kc; k++, a += MR, b += NR) {
        NK_STEP(0)
    }

    __m512 acc[2 * MR] = { c00, c01, c10, c11, c20, c21, c30, c31,
                           c40, c41, c50, c51, c60, c61, c70, c71 };
    const __mmask16 m0 = nk_mask16(n), m1 = nk_mask16(n - 16);
    if (w) {
        __mmask16 bad = 0;
        for (int i = 0; i < m; i++)
            for (int h = 0; h < 2; h++) {
                const long at = i * ldc + 16 * h;
                const __mmask16 mk = h ? m1 : m0;
                __m512 g = _mm512_mul_ps(_mm512_set1_ps(alpha), acc[2 * i + h]);  /* as nk_store16 */
                if (beta != 0.0f) g = _mm512_fmadd_ps(_mm512_set1_ps(beta), _mm512_maskz_loadu_ps(mk, c + at), g);
                bad |= sgd16(g, w + at, v ? v + at : NULL, step, mk);
            }
        return bad == 0;
    }
    for (int i = 0; i < m; i++) {  /* masked: C beyond n untouched */
        nk_store16(c + i * ldc, acc[2 * i], alpha, beta, m0);
        nk_store16(c + i * ldc + 16, acc[2 * i + 1], alpha, beta, m1);
    }
    return 1;
}

NK_AVX512 static void micro_8x32(long kc, const float *restrict a, const float *restrict b, float *restrict c,
                                 long ldc, int m, int n, float alpha, float beta)
{
    micro_8x32_body(kc, a, b, c, ldc, m, n, alpha, beta, NULL, NULL, NULL);
}

NK_AVX512 static int micro_8x32_sgd(long kc, const float *a, const float *b, const float *c, long ldc, int m,
                                    int n, float alpha, float beta, float *weight, float *velocity,
                                    const nk_sgd_step *step)
{
    /* C is only read (beta != 0: the earlier K blocks' sum). */
    return micro_8x32_body(kc, a, b, (float *)c, ldc, m, n, alpha, beta, weight, velocity, step);
}

/* Blocking, from the cache sizes (48 KiB L1d, 2 MiB L2 per core on Sapphire
 * Rapids; 32 KiB / 1 MiB on Zen 4): kc = 256 keeps the 32 KiB B micro-panel
 * in L1 next to an 8 KiB A micro-panel; the mc×kc A block (192 KiB) sits in
 * L2 with room for the B block streaming through; nc bounds the packed B
 * block (kc×nc, 2 MiB). */
#ifndef NK_AVX512_BLOCK_MC           /* overridable only for tuning runs */
#define NK_AVX512_BLOCK_MC 192
#define NK_AVX512_BLOCK_KC 256
#define NK_AVX512_BLOCK_NC 2048
#endif
#ifndef NK_AVX512_SMALL_MAX_M
#define NK_AVX512_SMALL_MAX_M 8
#endif
/* A product with at most one vector of columns (a 10-class output layer:
 * 64×128·128×10 forward, 128×64·64×10 for its weight gradient) pads each
 * 32-column micro-tile to 3.2× its work; the packing-free path's one-vector
 * tiles pad it to 1.6×, and pack nothing. */
#define NK_AVX512_SMALL_MAX_N 16

const nk_kernel nk_kernel_avx512 = {
    .name = "avx512",
    .mr = MR, .nr = NR,
    .mc = NK_AVX512_BLOCK_MC, .kc = NK_AVX512_BLOCK_KC, .nc = NK_AVX512_BLOCK_NC,
    .pack_a = nk_avx512_pack_a,
    .pack_b = nk_avx512_pack_b,
    .micro = micro_8x32,
    .micro_sgd = micro_8x32_sgd,
    .epilogue_row = nk_avx2_epilogue_row,
    .small = nk_avx512_small,
    .small_max_m = NK_AVX512_SMALL_MAX_M,
    .small_max_n = NK_AVX512_SMALL_MAX_N,
    .tall = nk_avx512_tall,
};

#endif /* __x86_64__ */
