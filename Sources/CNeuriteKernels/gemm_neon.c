/*
 * arm64 NEON kernel family: 8×12 micro-kernel with the generic packers.
 *
 * WHY 8×12: AArch64 has 32 q-registers; 24 accumulators + 3 B vectors +
 * 2 A vectors = 29. Each k step is 5 loads for 24 FMAs (by-lane FMLA), the
 * usual shape for Cortex-A7x/Neoverse/Apple cores.
 * NOTE: not runnable on the x86 development machine; keep it simple and
 * mirror the AVX2/portable semantics exactly.
 */
#include "gemm_internal.h"

#if defined(__aarch64__)
#include <arm_neon.h>

#define MR 8
#define NR 12

static void pack_a_neon(int trans, long mc, long kc, const float *A, long lda,
                        float *dst)
{
    nk_pack_a_generic(MR, trans, mc, kc, A, lda, dst);
}

static void pack_b_neon(int trans, long kc, long nc, const float *B, long ldb,
                        float *dst)
{
    nk_pack_b_generic(NR, trans, kc, nc, B, ldb, dst);
}

/* Row i of the tile: A value is lane L of register AV. */
#define NK_NROW(i, AV, L)                                                   \
    c##i##0 = vfmaq_laneq_f32(c##i##0, b0, AV, L);                          \
    c##i##1 = vfmaq_laneq_f32(c##i##1, b1, AV, L);                          \
    c##i##2 = vfmaq_laneq_f32(c##i##2, b2, AV, L);

static void micro_8x12(long kc, const float *restrict a,
                       const float *restrict b, float *restrict c, long ldc,
                       int m, int n, float alpha, float beta)
{
    float32x4_t z = vdupq_n_f32(0.0f);
    float32x4_t c00 = z, c01 = z, c02 = z, c10 = z, c11 = z, c12 = z,
                c20 = z, c21 = z, c22 = z, c30 = z, c31 = z, c32 = z,
                c40 = z, c41 = z, c42 = z, c50 = z, c51 = z, c52 = z,
                c60 = z, c61 = z, c62 = z, c70 = z, c71 = z, c72 = z;
    for (long k = 0; k < kc; k++, a += MR, b += NR) {
        float32x4_t a0 = vld1q_f32(a), a1 = vld1q_f32(a + 4);
        float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4), b2 = vld1q_f32(b + 8);
        NK_NROW(0, a0, 0) NK_NROW(1, a0, 1) NK_NROW(2, a0, 2) NK_NROW(3, a0, 3)
        NK_NROW(4, a1, 0) NK_NROW(5, a1, 1) NK_NROW(6, a1, 2) NK_NROW(7, a1, 3)
    }
    float32x4_t acc[MR][3] = {
        { c00, c01, c02 }, { c10, c11, c12 }, { c20, c21, c22 }, { c30, c31, c32 },
        { c40, c41, c42 }, { c50, c51, c52 }, { c60, c61, c62 }, { c70, c71, c72 } };
    if (n == NR) {
        for (int i = 0; i < m; i++) {
            float *ci = c + i * ldc;
            for (int v = 0; v < 3; v++) {
                float32x4_t x = vmulq_n_f32(acc[i][v], alpha);
                if (beta != 0.0f) x = vfmaq_n_f32(x, vld1q_f32(ci + 4 * v), beta);
                vst1q_f32(ci + 4 * v, x);
            }
        }
    } else {                       /* right edge: via a temporary row */
        for (int i = 0; i < m; i++) {
            float t[NR], *ci = c + i * ldc;
            for (int v = 0; v < 3; v++) vst1q_f32(t + 4 * v, acc[i][v]);
            for (int j = 0; j < n; j++)
                ci[j] = beta == 0.0f ? alpha * t[j] : alpha * t[j] + beta * ci[j];
        }
    }
}

const nk_kernel nk_kernel_neon = {
    .name = "neon",
    .mr = MR, .nr = NR,
    .mc = 128, .kc = 256, .nc = 2048,
    .pack_a = pack_a_neon,
    .pack_b = pack_b_neon,
    .micro = micro_8x12,
    .epilogue_row = nk_epilogue_row_scalar,
    .small = 0,
    .small_max_m = 0,
};

#endif /* __aarch64__ */
