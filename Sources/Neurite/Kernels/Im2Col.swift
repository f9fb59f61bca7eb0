/// The shape bookkeeping of one 2-D convolution (or pooling) over NCHW tensors: everything the
/// im2col/col2im kernels and the pooling kernels need, computed once per call.
///
/// Output size along one axis: ⌊(in + padBefore + padAfter − dilation·(kernel − 1) − 1) / stride⌋ + 1.
/// Only the leading padding (`padTop`, `padLeft`) is stored: the trailing padding is implied by
/// the output size, which is how asymmetric "same" padding works without extra cases.
struct ConvolutionGeometry: Equatable {
    let channels: Int
    let height: Int, width: Int
    let kernelHeight: Int, kernelWidth: Int
    let stride: Int
    let dilation: Int
    let padTop: Int, padLeft: Int
    let outputHeight: Int, outputWidth: Int

    /// Pixels in one input plane, h·w.
    var inputPlane: Int { height * width }
    /// Pixels in one output plane, h′·w′: the columns one sample contributes to the im2col matrix.
    var outputPlane: Int { outputHeight * outputWidth }
    /// Rows of the im2col matrix, c·kh·kw: the inner dimension of the convolution's GEMM.
    var patchSize: Int { channels * kernelHeight * kernelWidth }
}

extension Kernels {
    /// Unfolds samples `first..<first+count` of `input` (NCHW) into `columns`, a
    /// `[c·kh·kw, count·h′·w′]` row-major matrix: row (c, i, j) holds, for every output pixel of
    /// every sample, the input pixel that kernel tap (i, j) of channel c multiplies. Padding
    /// reads as 0. A convolution is then one matrix product `W[c_out, c·kh·kw] · columns`.
    ///
    /// The loops run over (sample, channel, tap, output row); for each tap the range of output
    /// columns that lands inside the image is computed once, so the innermost work is a zero
    /// fill plus a contiguous copy (stride 1) or a strided gather (stride > 1) of one row segment.
    /// Samples are split across the cores.
    static func im2col(
        _ input: UnsafePointer<Float>, first: Int, count: Int, geometry g: ConvolutionGeometry,
        into columns: UnsafeMutablePointer<Float>
    ) {
        let plane = g.outputPlane, rowLength = count * plane
        parallelSplit(count, work: rowLength * g.patchSize) { samples in
            for sample in samples {
                let image = input + (first + sample) * g.channels * g.inputPlane
                var row = 0
                for channel in 0..<g.channels {
                    let channelBase = image + channel * g.inputPlane
                    for i in 0..<g.kernelHeight {
                        for j in 0..<g.kernelWidth {
                            let destination = columns + row * rowLength + sample * plane
                            let span = g.validColumns(tap: j)
                            let rowOffset = i * g.dilation - g.padTop
                            for outputRow in 0..<g.outputHeight {
                                let target = destination + outputRow * g.outputWidth
                                let inputRow = outputRow * g.stride + rowOffset
                                guard inputRow >= 0, inputRow < g.height, span.lowerBound < span.upperBound else {
                                    target.update(repeating: 0, count: g.outputWidth)
                                    continue
                                }
                                target.update(repeating: 0, count: span.lowerBound)
                                let source = channelBase + inputRow * g.width + span.firstInput
                                let length = span.upperBound - span.lowerBound
                                if g.stride == 1 {
                                    (target + span.lowerBound).update(from: source, count: length)
                                } else {
                                    let segment = target + span.lowerBound, step = g.stride
                                    for k in 0..<length { segment[k] = source[k * step] }
                                }
                                (target + span.upperBound).update(repeating: 0, count: g.outputWidth - span.upperBound)
                            }
                            row += 1
                        }
                    }
                }
            }
        }
    }

    /// The adjoint of ``im2col(_:first:count:geometry:into:)``: adds every entry of `columns`
    /// back onto the input pixel it was copied from (pixels under several taps collect several
    /// contributions; padding entries are dropped). `gradient` must be zeroed by the caller for
    /// the samples written.
    static func col2im(
        _ columns: UnsafePointer<Float>, first: Int, count: Int, geometry g: ConvolutionGeometry,
        into gradient: UnsafeMutablePointer<Float>
    ) {
        let plane = g.outputPlane, rowLength = count * plane
        parallelSplit(count, work: rowLength * g.patchSize) { samples in
            for sample in samples {
                let image = gradient + (first + sample) * g.channels * g.inputPlane
                var row = 0
                for channel in 0..<g.channels {
                    let channelBase = image + channel * g.inputPlane
                    for i in 0..<g.kernelHeight {
                        for j in 0..<g.kernelWidth {
                            let source = columns + row * rowLength + sample * plane
                            let span = g.validColumns(tap: j)
                            let length = span.upperBound - span.lowerBound
                            let rowOffset = i * g.dilation - g.padTop
                            row += 1
                            guard length > 0 else { continue }
                            for outputRow in 0..<g.outputHeight {
                                let inputRow = outputRow * g.stride + rowOffset
                                guard inputRow >= 0, inputRow < g.height else { continue }
                                let segment = source + outputRow * g.outputWidth + span.lowerBound
                                let target = channelBase + inputRow * g.width + span.firstInput
                                if g.stride == 1 {
                                    for k in 0..<length { target[k] += segment[k] }
                                } else {
                                    let step = g.stride
                                    for k in 0..<length { target[k * step] += segment[k] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The output columns `lowerBound..<upperBound` whose input column for one kernel tap lies
/// inside the image, and that input column for `lowerBound`.
struct ValidColumns {
    let lowerBound: Int
    let upperBound: Int
    let firstInput: Int
}

extension ConvolutionGeometry {
    /// For kernel column `tap`, output column o reads input column o·stride + tap·dilation − padLeft;
    /// the valid o are those where that is in 0..<width.
    func validColumns(tap: Int) -> ValidColumns {
        let offset = tap * dilation - padLeft
        // Smallest o with o·stride + offset ≥ 0, and one past the largest with it < width.
        let lower = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        let upper = width - 1 - offset < 0 ? 0 : min(outputWidth, (width - 1 - offset) / stride + 1)
        let clampedLower = min(lower, outputWidth), clampedUpper = max(upper, clampedLower)
        return ValidColumns(lowerBound: clampedLower, upperBound: clampedUpper, firstInput: clampedLower * stride + offset)
    }
}
