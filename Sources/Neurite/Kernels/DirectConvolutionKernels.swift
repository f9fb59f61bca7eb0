import CNeuriteKernels
import Foundation

/// The direct convolution kernels (`direct_conv.c`): stride 1, dilation 1, few channels, no
/// im2col matrix. With LeNet-5's 1–16 channels the im2col matrix is 25× the input and the GEMM
/// packs it once more; im2col, col2im and packing took more time than the multiply-adds.
/// The C file explains the "wide row" layout that lets these run as contiguous vector loops.
extension Kernels {
    /// `output[s, o] = g(Σ_c weight[o, c] ⋆ input[s, c] + bias[o])` for `samples` NCHW images.
    static func directConvolution(
        _ input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        activation: FusedActivation, geometry g: ConvolutionGeometry, outputChannels: Int, samples: Int,
        into output: UnsafeMutablePointer<Float>
    ) {
        var shape = g.kernelShape
        let scratch = Tensor(uninitializedShape: [nk_direct_conv_scratch(&shape, outputChannels, samples)])
        let applied: FusedActivation = activation == .relu ? .relu : .none
        nk_direct_conv_forward(input, weight, bias, applied.code, &shape, outputChannels, samples, scratch.storage.base, output)
        // Sigmoid and tanh here: the C target has no libm, and these must match the activation
        // layers' functions exactly (as in channelMajorToBatchMajor).
        let count = samples * outputChannels * g.outputPlane
        if activation == .sigmoid {
            for k in 0..<count { output[k] = stableSigmoid(output[k]) }
        } else if activation == .tanh {
            for k in 0..<count { output[k] = Foundation.tanh(output[k]) }
        }
    }

    /// The gradients of ``directConvolution(_:weight:bias:activation:geometry:outputChannels:samples:into:)``
    /// from the output's gradient and the output itself (the activation's derivative is read
    /// through it); only the non-nil destinations are written. The weight and bias sums run in
    /// a fixed order of sample groups, so they do not depend on the thread count.
    static func directConvolutionBackward(
        _ gradient: UnsafePointer<Float>, output: UnsafePointer<Float>, activation: FusedActivation,
        input: UnsafePointer<Float>, weight: UnsafePointer<Float>, geometry g: ConvolutionGeometry,
        outputChannels: Int, samples: Int, inputGradient: UnsafeMutablePointer<Float>?,
        weightGradient: UnsafeMutablePointer<Float>?, biasGradient: UnsafeMutablePointer<Float>?
    ) {
        var shape = g.kernelShape
        let scratch = Tensor(uninitializedShape: [nk_direct_conv_scratch(&shape, outputChannels, samples)])
        nk_direct_conv_backward(
            gradient, output, activation.code, input, weight, &shape, outputChannels, samples, scratch.storage.base,
            inputGradient, weightGradient, biasGradient)
    }

    /// ``directConvolution(_:weight:bias:activation:geometry:outputChannels:samples:into:)`` with
    /// ReLU or no activation, then 2×2, stride-2 max pooling, in one pass (`direct_conv_pool.c`):
    /// `pooled` and `winners` hold `[samples, outputChannels, outputHeight / 2, outputWidth / 2]`,
    /// each winner its window's first maximum as 0...3 (bit 0 the right column, bit 1 the lower row).
    static func directConvolutionMaxPool(
        _ input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        activation: FusedActivation, geometry g: ConvolutionGeometry, outputChannels: Int, samples: Int,
        into pooled: UnsafeMutablePointer<Float>, winners: UnsafeMutablePointer<Int32>
    ) {
        precondition(activation == .none || activation == .relu, "the pooled convolution applies ReLU or nothing")
        var shape = g.kernelShape
        let scratch = Tensor(uninitializedShape: [nk_direct_conv_scratch(&shape, outputChannels, samples)])
        nk_direct_conv_pool_forward(
            input, weight, bias, activation.code, &shape, outputChannels, samples, scratch.storage.base, pooled, winners)
    }

    /// The gradients of ``directConvolutionMaxPool(_:weight:bias:activation:geometry:outputChannels:samples:into:winners:)``
    /// from the pooled output's gradient, the pooled output and the winners; bit for bit those of
    /// the pooling and the convolution run apart.
    static func directConvolutionMaxPoolBackward(
        _ gradient: UnsafePointer<Float>, pooled: UnsafePointer<Float>, winners: UnsafePointer<Int32>,
        activation: FusedActivation, input: UnsafePointer<Float>, weight: UnsafePointer<Float>, geometry g: ConvolutionGeometry,
        outputChannels: Int, samples: Int, inputGradient: UnsafeMutablePointer<Float>?,
        weightGradient: UnsafeMutablePointer<Float>?, biasGradient: UnsafeMutablePointer<Float>?
    ) {
        var shape = g.kernelShape
        let scratch = Tensor(uninitializedShape: [nk_direct_conv_scratch(&shape, outputChannels, samples)])
        nk_direct_conv_pool_backward(
            gradient, pooled, winners, activation.code, input, weight, &shape, outputChannels, samples, scratch.storage.base,
            inputGradient, weightGradient, biasGradient)
    }
}

extension ConvolutionGeometry {
    /// Whether the direct kernels take this convolution: stride and dilation 1, at most 16
    /// channels in and out (beyond that the GEMM's register tiles reuse each load more than the
    /// direct loop's), and kernels at most 6 wide (the weight-gradient tile keeps 2 × width
    /// accumulators in registers). Not the activation: a conv with a fused activation must take
    /// the same path as the conv and activation written apart, to match them bit for bit.
    func allowsDirectConvolution(outputChannels: Int) -> Bool {
        stride == 1 && dilation == 1 && channels <= 16 && outputChannels <= 16 && kernelWidth <= 6
    }
}
