import CNeuriteKernels

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
    /// They are in C (`im2col.c`): in Swift each short row segment cost a call to memmove, 7.8%
    /// of a LeNet epoch on its own. Samples are split across the cores.
    static func im2col(
        _ input: UnsafePointer<Float>, first: Int, count: Int, geometry g: ConvolutionGeometry,
        into columns: UnsafeMutablePointer<Float>
    ) {
        var shape = g.kernelShape
        parallelSplit(count, work: count * g.outputPlane * g.patchSize) { samples in
            nk_im2col(input, &shape, first, count, samples.lowerBound, samples.upperBound, columns)
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
        var shape = g.kernelShape
        parallelSplit(count, work: count * g.outputPlane * g.patchSize) { samples in
            nk_col2im(columns, &shape, first, count, samples.lowerBound, samples.upperBound, gradient)
        }
    }
}

extension ConvolutionGeometry {
    /// The same geometry for the C kernels.
    var kernelShape: nk_conv_shape {
        nk_conv_shape(
            channels: channels, height: height, width: width, kernel_height: kernelHeight, kernel_width: kernelWidth,
            stride: stride, dilation: dilation, pad_top: padTop, pad_left: padLeft,
            out_height: outputHeight, out_width: outputWidth)
    }
}
