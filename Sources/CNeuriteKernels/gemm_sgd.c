/*
 * SGD's update fused into the product that computes the gradient
 * (nk_sgemm_sgd): the optimizer's step applied to each tile of a dense
 * layer's weight gradient xᵀ·∂z as the tile is computed.
 *
 * WHY: as a pass of its own, after the backward, the update reads the
 * gradient, velocity and weights and writes the last two: 20 bytes per weight
 * that come from L3 (a 784-512-512-10 MLP's 670k weights do not fit the two
 * cores' L2), 160–167 µs of a 1,927–1,992 µs step at batch 128 on the 2-core
 * VM (the twin's means, below). Fused, the gradient is never written or read
 * again, and the velocity's and weights' reads, prefetched when the tile
 * starts (gemm_avx512.c, gemm_avx2.c), overlap its arithmetic. In the C twin of the training step
 * (scripts/step_emulation.c, blocks of 32 steps alternated): the update went
 * from 160–167 µs to 3–4 µs (the biases'), the two weight gradients took 60–67
 * µs more, and the step ran 1.057× and 1.062× as fast (1.080× at batch 64 and
 * 1.027× at 256 for the 784-128-10 MLP); without the prefetch the weight
 * gradients took 114 µs more (1.020×). Tried before without the prefetch,
 * the fusion had read 0.984× (README, "not kept").
 *
 * Where a path stores G anyway (the packing-free paths, a K split, a K too
 * long for one block's final tile, kernel families without a fused
 * micro-kernel), the block's rows are updated from C right after, by
 * nk_sgd_update itself: the same arithmetic either way.
 */
#include "NeuriteKernels.h"
#include "gemm_internal.h"

void nk_sgd_fusion_report_nonfinite(nk_sgd_fusion *update)
{
    __atomic_store_n(&update->nonfinite, 1, __ATOMIC_RELAXED);
}

int nk_sgd_fusion_block(const nk_sgd_fusion *update, const float *c, long ldc, long rows, long columns)
{
    int finite = 1;
    for (long i = 0; i < rows; i++) {
        const float *row = c + i * ldc;
        long offset = row - update->C;
        finite &= nk_sgd_update(update->weight + offset, row, update->velocity ? update->velocity + offset : NULL,
                                columns, &update->step);
    }
    return finite;
}

void nk_sgd_fusion_rows(const nk_gemm_args *g)
{
    if (!nk_sgd_fusion_block(g->update, g->C, g->ldc, g->M, g->N)) nk_sgd_fusion_report_nonfinite(g->update);
}
