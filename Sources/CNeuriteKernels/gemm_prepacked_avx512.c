/*
 * AVX-512 kernel for nk_sgemm_prepacked_b (gemm_prepacked.c), used where the
 * CPU and the OS support AVX-512F.
 *
 * WHY: a recurrent layer's per-step products are small (32×128 · 128×512 at
 * batch 32, hidden 128) and run 2·T times per training step: they are most
 * of a character model's time. 512-bit FMAs do twice the work per
 * instruction of the AVX2 family's, and the 8-row tile divides batch 32
 * exactly (the AVX2 family's 6-row tile computes 36 rows for 32).
 *
 * A is not packed: each tile reads its 8 rows in place (32×128 floats stay
 * in L1), broadcasting one element per FMA pair, so a step packs nothing.
 * Except when A is read transposed (the recurrent weights' gradient, A =
 * ∂gatesᵀ of all steps, megabytes): there a tile's 8 elements of one k are
 * 8 neighbouring gates of one row, a different cache line for every k, so
 * each 8-row strip is copied once per K block into a contiguous buffer and
 * multiplies all the column panels from there (the strided reads were
 * repeated per panel before: that product ran at ~2/3 of the per-step ones'
 * speed; ~15% less time in the prepacked kernels at one thread).
 * B panels are NR = 32 columns wide (two vectors), K in blocks of at most
 * KC rows so that a kc×32 panel (32 KiB) stays in L1 across the row tiles.
 */
#include "gemm_internal.h"
#include "gemm_prepacked.h"
#include "avx512_common.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define MR 8

/* C[m×n] (m <= 8, n <= 32) = A-rows · panel + (accumulate ? C : 0) + bias. Row i
 * of A at a + i·sai, its k-th element k·sak further. Rows past m alias row 0. */
NK_AVX512 static void micro_8x32(long kc, const float *a, long sai, long sak, const float *b,
                                 float *c, long ldc, int m, int n, int accumulate, const float *bias)
{
    const float *r[MR];
    for (int i = 0; i < MR; i++) r[i] = a + (i < m ? i : 0) * sai;
    __m512 x00 = _mm512_setzero_ps(), x01 = x00, x10 = x00, x11 = x00, x20 = x00, x21 = x00,
           x30 = x00, x31 = x00, x40 = x00, x41 = x00, x50 = x00, x51 = x00,
           x60 = x00, x61 = x00, x70 = x00, x71 = x00, b0, b1, t;
#define NK_ROW(i)                                                          \
    t = _mm512_set1_ps(r[i][o]);                                           \
    x##i##0 = _mm512_fmadd_ps(t, b0, x##i##0);                             \
    x##i##1 = _mm512_fmadd_ps(t, b1, x##i##1);
    for (long k = 0, o = 0; k < kc; k++, o += sak, b += 32) {
        b0 = _mm512_loadu_ps(b);
        b1 = _mm512_loadu_ps(b + 16);
        NK_ROW(0) NK_ROW(1) NK_ROW(2) NK_ROW(3) NK_ROW(4) NK_ROW(5) NK_ROW(6) NK_ROW(7)
    }
#undef NK_ROW
    __m512 x[2 * MR] = { x00, x01, x10, x11, x20, x21, x30, x31,
                         x40, x41, x50, x51, x60, x61, x70, x71 };
    const __mmask16 m0 = nk_mask16(n), m1 = nk_mask16(n - 16);
    const __m512 bias0 = bias ? _mm512_maskz_loadu_ps(m0, bias) : _mm512_setzero_ps();
    const __m512 bias1 = bias ? _mm512_maskz_loadu_ps(m1, bias + 16) : _mm512_setzero_ps();
    for (int i = 0; i < m; i++) {
        float *ci = c + i * ldc;
        __m512 y0 = _mm512_add_ps(x[2 * i], bias0), y1 = _mm512_add_ps(x[2 * i + 1], bias1);
        if (accumulate) {
            y0 = _mm512_add_ps(y0, _mm512_maskz_loadu_ps(m0, ci));
            y1 = _mm512_add_ps(y1, _mm512_maskz_loadu_ps(m1, ci + 16));
        }
        _mm512_mask_storeu_ps(ci, m0, y0);
        _mm512_mask_storeu_ps(ci + 16, m1, y1);
    }
}

NK_AVX512 void nk_prepacked_block_avx512(const nk_prepacked_job *job, long i0, long i1, long j0, long j1)
{
    const long KC = nk_prepacked_block_k(job->K, NK_AVX512_KC), Np = (job->N + 31) / 32 * 32;
    const long sai = job->ta ? 1 : job->lda, sak = job->ta ? job->lda : 1;
    for (long k0 = 0; k0 < job->K; k0 += KC) {
        long kc = job->K - k0 < KC ? job->K - k0 : KC;
        int accumulate = k0 > 0 || job->beta != 0.0f, last = k0 + kc >= job->K;
        const float *pb = job->packed + k0 * Np;
        if (job->ta) {
            /* A read across rows: each 8-row strip is copied once per K block into a
             * contiguous buffer (8 floats per k, one cache line per 2 k), then multiplies
             * every column panel from there. */
            float strip[NK_AVX512_KC * MR] __attribute__((aligned(64)));
            for (long i = i0; i < i1; i += MR) {
                int m = (int)(i1 - i < MR ? i1 - i : MR);
                const float *a = job->A + i + k0 * job->lda;
                if (m == MR)
                    for (long k = 0; k < kc; k++) _mm256_store_ps(strip + k * MR, _mm256_loadu_ps(a + k * job->lda));
                else
                    for (long k = 0; k < kc; k++)
                        for (int r = 0; r < MR; r++) strip[k * MR + r] = r < m ? a[k * job->lda + r] : 0.0f;
                for (long j = j0; j < j1; j += 32) {
                    int n = (int)(j1 - j < 32 ? j1 - j : 32);
                    micro_8x32(kc, strip, 1, MR, pb + j * kc, job->C + i * job->ldc + j,
                               job->ldc, m, n, accumulate, last && job->bias ? job->bias + j : NULL);
                }
            }
            continue;
        }
        /* A read along rows: the small A stays in L1, each kc×32 panel of B is kept there
         * over all the row tiles. */
        for (long j = j0; j < j1; j += 32) {
            int n = (int)(j1 - j < 32 ? j1 - j : 32);
            for (long i = i0; i < i1; i += MR) {
                int m = (int)(i1 - i < MR ? i1 - i : MR);
                micro_8x32(kc, job->A + i * sai + k0 * sak, sai, sak, pb + j * kc, job->C + i * job->ldc + j,
                           job->ldc, m, n, accumulate, last && job->bias ? job->bias + j : NULL);
            }
        }
    }
}

#endif /* __x86_64__ */
