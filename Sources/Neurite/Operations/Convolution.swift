// 2-D convolution (cross-correlation, as in every deep-learning library) over NCHW tensors.
//
// Few-channel, stride-1 convolutions (LeNet-5's) take the direct kernels instead
// (DirectConvolution.swift): register-tiled, on a padded "wide row" grid, they beat this
// path; the plain direct loops measured below did not. The rest of this file is the
// general path.
//
// Why im2col + GEMM. The convolution is rewritten as one matrix product,
//   Z[c_out, n·h′·w′] = W[c_out, c_in·kh·kw] · columns[c_in·kh·kw, n·h′·w′],
// so the work runs in the shared, packed, multi-threaded SIMD GEMM instead of Swift loops.
// Measured on the 2-core development machine (release, LeNet-5 shapes, batch 64, forward only,
// one thread; the alternative is a direct convolution whose innermost loop runs over a
// contiguous output row, so it vectorises too):
//   conv 1→6, 5×5, pad 2, 28×28:   im2col+GEMM+layout 0.87 ms   direct loops  2.57 ms
//   conv 6→16, 5×5, 14×14:         im2col+GEMM+layout 1.48 ms   direct loops 11.68 ms
// The direct loops redo the same multiply-adds with one weight at a time and no register
// blocking; the GEMM keeps a tile of outputs in registers and reuses every loaded value.
// The unfolded matrix costs kh·kw times the input's memory (1.25 M floats for the first
// layer at batch 64), which is cheap next to that speed-up; batches whose matrix would exceed
// `columnBudget` are processed in chunks of samples so memory stays bounded.
//
// Layout. The GEMM produces channel-major results [c_out, n, h′·w′]; one pass moves them to
// NCHW and adds the bias and applies the activation on the way (the GEMM's own fused bias is
// per column, and here the bias is per row, so it is fused into that pass instead).
//
// Backward, with Z the pre-activation and dZ = dY ⊙ g′ (moved to channel-major in one pass
// that also sums the bias gradient):
//   dW = dZ · columnsᵀ            (GEMM with the second operand transposed by the kernel)
//   dcolumns = Wᵀ · dZ            (GEMM with the first operand transposed by the kernel)
//   dX = col2im(dcolumns)         (scatter-add back onto the input pixels)
// No matrix is ever copied just to transpose it.

/// The most floats one im2col matrix may hold (16 MiB): larger batches are split into chunks
/// of samples, each one GEMM. LeNet-5 at batch 64 needs at most 1.25 M, so training runs as
/// one GEMM per layer; evaluation batches of 1000 run in a few chunks.
let columnBudget = 1 << 22

/// The floats ``convolution2D(_:weight:bias:geometry:activation:)`` allocates besides its output
/// and the gradients of its inputs, for `samples` samples: the unfolded patches of a chunk, their
/// gradient and the chunk's channel-major product (its gradient, in the backward pass), all at
/// once at worst; none for the direct kernels. For ``StepFootprint``.
func convolutionScratch(geometry g: ConvolutionGeometry, outputChannels: Int, samples: Int) -> Int {
    if g.allowsDirectConvolution(outputChannels: outputChannels) { return 0 }
    // Sizes from outside can make these products overflow; the result then saturates, which is
    // refused as too large all the same.
    let (perSample, overflow) = g.patchSize.multipliedReportingOverflow(by: g.outputPlane)
    let chunk = overflow ? 1 : max(1, min(samples, columnBudget / max(perSample, 1)))
    let (floats, tooMany) = (chunk * g.outputPlane).multipliedReportingOverflow(by: 2 * g.patchSize + outputChannels)
    return tooMany ? .max : floats
}

/// g(W ∗ x + b) for `input` `[n, c_in, h, w]`, `weight` `[c_out, c_in, kh, kw]`, `bias` `[c_out]`.
func convolution2D(
    _ input: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvolutionGeometry,
    activation: Kernels.FusedActivation
) -> Tensor {
    let samples = input.shape[0], outputChannels = weight.shape[0]
    if g.allowsDirectConvolution(outputChannels: outputChannels) {
        return directConvolution2D(input, weight: weight, bias: bias, geometry: g, activation: activation)
    }
    let plane = g.outputPlane, patch = g.patchSize
    let chunk = max(1, min(samples, columnBudget / max(patch * plane, 1)))
    let output = Tensor(uninitializedShape: [samples, outputChannels, g.outputHeight, g.outputWidth])
    let columns = Tensor(uninitializedShape: [patch, chunk * plane])
    let z = Tensor(uninitializedShape: [outputChannels, chunk * plane])
    for first in stride(from: 0, to: samples, by: chunk) {
        let count = min(chunk, samples - first)
        Kernels.im2col(input.storage.base, first: first, count: count, geometry: g, into: columns.storage.base)
        Kernels.matrixMultiply(
            weight.storage.base, transposed: false, columns.storage.base, transposed: false,
            into: z.storage.base, rows: outputChannels, columns: count * plane, inner: patch)
        Kernels.channelMajorToBatchMajor(
            z.storage.base, bias: bias.map { UnsafePointer($0.storage.base) }, activation: activation,
            channels: outputChannels, plane: plane, first: first, count: count, into: output.storage.base)
    }
    // With one chunk the columns are still those of the whole batch: keep them for dW.
    let savedColumns: Tensor? = chunk == samples ? columns : nil

    let inputs = [input, weight] + (bias.map { [$0] } ?? [])
    return output.recorded(from: inputs) { gradient, needed in
        let dz = Tensor(uninitializedShape: [outputChannels, chunk * plane])
        let biasGradient: Tensor? = bias != nil && needed[2] ? Tensor.zeros([outputChannels]) : nil
        let weightGradient: Tensor? = needed[1] ? Tensor(uninitializedShape: weight.shape) : nil
        let inputGradient: Tensor? = needed[0] ? Tensor.zeros(input.shape) : nil
        let patchColumns = savedColumns ?? Tensor(uninitializedShape: [patch, chunk * plane])
        let columnGradient: Tensor? = needed[0] ? Tensor(uninitializedShape: [patch, chunk * plane]) : nil
        for first in stride(from: 0, to: samples, by: chunk) {
            let count = min(chunk, samples - first)
            Kernels.batchMajorToChannelMajor(
                gradient.storage.base, output: output.storage.base, activation: activation,
                channels: outputChannels, plane: plane, first: first, count: count,
                into: dz.storage.base, biasGradient: biasGradient?.storage.base)
            if let weightGradient {
                if savedColumns == nil {
                    Kernels.im2col(input.storage.base, first: first, count: count, geometry: g, into: patchColumns.storage.base)
                }
                Kernels.matrixMultiply(
                    dz.storage.base, transposed: false, patchColumns.storage.base, transposed: true,
                    into: weightGradient.storage.base, rows: outputChannels, columns: patch, inner: count * plane,
                    accumulate: first > 0)
            }
            if let inputGradient, let columnGradient {
                Kernels.matrixMultiply(
                    weight.storage.base, transposed: true, dz.storage.base, transposed: false,
                    into: columnGradient.storage.base, rows: patch, columns: count * plane, inner: outputChannels)
                Kernels.col2im(columnGradient.storage.base, first: first, count: count, geometry: g, into: inputGradient.storage.base)
            }
        }
        return Array([inputGradient, weightGradient, biasGradient].prefix(inputs.count))
    }
}
