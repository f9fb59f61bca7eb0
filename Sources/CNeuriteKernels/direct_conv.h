/*
 * The inner loops of direct_conv.c, one set per ISA: direct_conv.c holds
 * the portable and AVX2 ones, direct_conv_avx512.c the AVX-512 ones. The
 * driver in direct_conv.c picks a set once per call; max_pool.c likewise.
 */
#ifndef NK_DIRECT_CONV_H
#define NK_DIRECT_CONV_H

#include <stdint.h>

/* out[o][k] = Σ_c Σ_p Σ_q w[o][c][p][q] · x[c][k + p·row + q] for o <
 * out_channels, k < length (a multiple of 16); x planes `plane` floats apart,
 * w: [out_channels][channels][kh][kw], out rows out_stride apart. */
typedef void (*nk_corr_rows_fn)(const float *x, long channels, long plane, long row, long kh, long kw,
                                const float *w, long out_channels, long length, float *out, long out_stride);

/* dw[o][c][p][q] += Σ_s Σ_k dz_s[o][k] · x_s[c][k + p·x_row + q] for all o,
 * c, p, q < kw (≤ 6), k < length (a multiple of 16); dz planes dz_plane
 * apart, samples dz_sample / x_sample apart, x planes x_plane apart. */
typedef void (*nk_weight_rows_fn)(long out_channels, long channels, long kh, long kw,
                                  const float *dz, long dz_plane, long dz_sample,
                                  const float *x, long x_plane, long x_row, long x_sample,
                                  long samples, long length, float *dw);

#if defined(__x86_64__)
/* direct_conv_avx512.c; only called where nk_conv_avx512_allowed(). */
void nk_corr_rows_avx512(const float *x, long channels, long plane, long row, long kh, long kw,
                         const float *w, long out_channels, long length, float *out, long out_stride);
void nk_weight_rows_avx512(long out_channels, long channels, long kh, long kw,
                           const float *dz, long dz_plane, long dz_sample,
                           const float *x, long x_plane, long x_row, long x_sample,
                           long samples, long length, float *dw);
/* row[k] = output[k] > 0 ? gradient[k] : 0 for k < n, 0 for n ≤ k < width. */
void nk_relu_gradient_row_avx512(const float *gradient, const float *output, float *row, long n, long width);
/* max_pool_avx512.c: nk_max_pool_2x2 with AVX-512. */
void nk_max_pool_2x2_avx512(const float *input, long height, long width, long out_height, long out_width,
                            long p0, long p1, float *output, int32_t *positions);
/* Whether the CPU has AVX-512F, the AVX2 family is in use and NEURITE_KERNEL
 * is not "avx2" (which keeps the AVX2 loops, to test them on AVX-512 machines). */
int nk_conv_avx512_allowed(void);
#endif

#endif /* NK_DIRECT_CONV_H */
