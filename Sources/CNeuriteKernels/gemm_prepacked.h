/*
 * Internal interface between gemm_prepacked.c and its AVX-512 kernel.
 */
#ifndef NK_GEMM_PREPACKED_H
#define NK_GEMM_PREPACKED_H

#include "gemm_internal.h"

/* K rows per packed block of the AVX-512 layout: a 256×32 panel is 32 KiB. */
#define NK_AVX512_KC 256

/* One product against a packed B (see nk_sgemm_prepacked_b). */
typedef struct {
    const nk_kernel *kr;
    int ta;
    long M, N, K, lda, ldc;
    const float *A, *packed, *bias;
    float beta;
    float *C;
    long nr;                /* panel width of the packed layout */
    long panels_per_task;   /* nr-wide column panels each task computes (0: split by rows) */
    long rows_per_task;     /* rows each task computes when split by rows */
} nk_prepacked_job;

/* The K block length: equal blocks no longer than kc. */
static inline long nk_prepacked_block_k(long K, long kc)
{
    long blocks = (K + kc - 1) / kc;
    return (K + blocks - 1) / blocks;
}

#if defined(__x86_64__)
/* Rows [i0, i1) and columns [j0, j1) of C (j0 a multiple of 32), in the 32-wide layout. */
void nk_prepacked_block_avx512(const nk_prepacked_job *job, long i0, long i1, long j0, long j1);
#endif

#endif /* NK_GEMM_PREPACKED_H */
