/*
 * The inner loops of direct_conv.c, one set per ISA: direct_conv_tiles.c
 * holds the portable and AVX2 ones, direct_conv_avx512.c and
 * direct_conv_weight_lanes.c the AVX-512 ones, direct_conv_pool.c the fused
 * pooling of both. The driver in direct_conv.c picks a set once per call;
 * max_pool.c likewise.
 */
#ifndef NK_DIRECT_CONV_H
#define NK_DIRECT_CONV_H

#include <stddef.h>
#include <stdint.h>

/* out[o][k] = Σ_c Σ_p Σ_q w[o][c][p][q] · x[c][k + p·row + q] for o <
 * out_channels, k < length (a multiple of 16); x planes `plane` floats apart,
 * w: [out_channels][channels][kh][kw], out rows out_stride apart. Each plane
 * of x is 0 outside [live_begin, live_end): the filter rows that read only
 * there are skipped (the zero margins of a padded grid; for the input
 * gradient of LeNet's conv2, 20 of its 70 row-and-filter-row pairs). */
typedef void (*nk_corr_rows_fn)(const float *x, long channels, long plane, long row, long kh, long kw,
                                const float *w, long out_channels, long length, float *out, long out_stride,
                                long live_begin, long live_end);

/* Output positions per portable/AVX2 tile (two vectors); the wide grids'
 * lengths are multiples of it, for the AVX-512 tiles too. */
#define NK_TILE 16

/* direct_conv_tiles.c: the portable and AVX2 loops. */
void nk_corr_rows_portable(const float *x, long channels, long plane, long row, long kh, long kw,
                           const float *w, long out_channels, long length, float *out, long out_stride,
                           long live_begin, long live_end);
void nk_weight_rows_portable(long out_channels, long channels, long kh, long kw,
                             const float *dz, long dz_plane, long dz_sample,
                             const float *x, long x_plane, long x_row, long x_sample,
                             long samples, long length, float *dw);
#if defined(__x86_64__)
void nk_corr_rows_avx2(const float *x, long channels, long plane, long row, long kh, long kw,
                       const float *w, long out_channels, long length, float *out, long out_stride,
                       long live_begin, long live_end);
void nk_weight_rows_avx2(long out_channels, long channels, long kh, long kw,
                         const float *dz, long dz_plane, long dz_sample,
                         const float *x, long x_plane, long x_row, long x_sample,
                         long samples, long length, float *dw);
#endif

/* The filter rows [*p0, *p1) that read inside [live_begin, live_end) from
 * the `span` floats at k + p·row. */
static inline void nk_live_rows(long k, long span, long row, long kh, long live_begin, long live_end, long *p0, long *p1)
{
    long first = 0, last = kh;
    while (first < kh && k + first * row + span <= live_begin) first++;
    while (last > first && k + (last - 1) * row >= live_end) last--;
    *p0 = first;
    *p1 = last;
}

/* dw[o][c][p][q] += Σ_s Σ_k dz_s[o][k] · x_s[c][k + p·x_row + q] for all o,
 * c, p, q < kw (≤ 6), k < length (a multiple of 16); dz planes dz_plane
 * apart, samples dz_sample / x_sample apart, x planes x_plane apart. */
typedef void (*nk_weight_rows_fn)(long out_channels, long channels, long kh, long kw,
                                  const float *dz, long dz_plane, long dz_sample,
                                  const float *x, long x_plane, long x_row, long x_sample,
                                  long samples, long length, float *dw);

/* direct_conv_pool.c: pooled[r][c] = the largest of act(wide[2r + i][2c + j] + bias)
 * over i, j < 2 (wide rows wp apart), winners[r][c] = 2i + j of the first in
 * row-major order; act is NK_ACT_NONE or NK_ACT_RELU. */
typedef void (*nk_pool_wide_fn)(const float *wide, long wp, float bias, int act, long ph, long pw,
                                float *pooled, int32_t *winners);
/* The gradient of that through the wide grid: rows 0 ..< 2·ph (wp floats) of
 * wide hold each window's gradient (times act′ read through pooled) at its
 * winner and 0 everywhere else. */
typedef void (*nk_unpool_wide_fn)(const float *gradient, const float *pooled, const int32_t *winners, int act,
                                  long ph, long pw, long wp, float *wide);
void nk_pool_wide_portable(const float *wide, long wp, float bias, int act, long ph, long pw,
                           float *pooled, int32_t *winners);
void nk_unpool_wide_portable(const float *gradient, const float *pooled, const int32_t *winners, int act,
                             long ph, long pw, long wp, float *wide);

/* direct_conv_thread_area.c: this thread's working area of at least
 * `floats` floats (64-byte aligned, kept between calls), or NULL. */
float *nk_direct_conv_thread_area(size_t floats);

#if defined(__x86_64__)
void nk_pool_wide_avx512(const float *wide, long wp, float bias, int act, long ph, long pw,
                         float *pooled, int32_t *winners);
void nk_unpool_wide_avx512(const float *gradient, const float *pooled, const int32_t *winners, int act,
                           long ph, long pw, long wp, float *wide);
/* direct_conv_avx512.c; only called where nk_conv_avx512_allowed(). */
void nk_corr_rows_avx512(const float *x, long channels, long plane, long row, long kh, long kw,
                         const float *w, long out_channels, long length, float *out, long out_stride,
                         long live_begin, long live_end);
void nk_weight_rows_avx512(long out_channels, long channels, long kh, long kw,
                           const float *dz, long dz_plane, long dz_sample,
                           const float *x, long x_plane, long x_row, long x_sample,
                           long samples, long length, float *dw);
/* direct_conv_weight_lanes.c: nk_weight_rows_fn's sums with the output
 * channels (≤ 16) across the lanes, over out_h × out_w positions of the
 * grid (rows `row` floats apart, for dz and x alike); dzt: scratch of
 * samples · out_h · out_w · 16 floats. */
void nk_weight_lanes_avx512(long out_channels, long channels, long kh, long kw,
                            const float *dz, long dz_plane, long dz_sample,
                            const float *x, long x_plane, long row, long x_sample,
                            long samples, long out_h, long out_w, float *dzt, float *dw);
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
