// The convolution of few-channel, stride-1 layers (LeNet-5's) without im2col: see
// `Kernels/DirectConvolutionKernels.swift` and `direct_conv.c`. Measured on the 2-core development
// machine (loaded, one thread, LeNet-5 shapes, batch 64, forward / backward):
//   conv 1→6, 5×5, pad 2:   im2col+GEMM 1.20 / 0.90 ms   direct 0.33 / 0.61 ms
//   conv 6→16, 5×5:         im2col+GEMM 3.09 / 3.10 ms   direct 0.71 / 1.87 ms

/// g(W ∗ x + b) by the direct kernels, for a geometry that
/// ``ConvolutionGeometry/allowsDirectConvolution(outputChannels:)``.
func directConvolution2D(
    _ input: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvolutionGeometry,
    activation: Kernels.FusedActivation
) -> Tensor {
    let samples = input.shape[0], outputChannels = weight.shape[0]
    let output = Tensor(uninitializedShape: [samples, outputChannels, g.outputHeight, g.outputWidth])
    Kernels.directConvolution(
        input.storage.base, weight: weight.storage.base, bias: bias.map { UnsafePointer($0.storage.base) },
        activation: activation, geometry: g, outputChannels: outputChannels, samples: samples, into: output.storage.base)
    let inputs = [input, weight] + (bias.map { [$0] } ?? [])
    return output.recorded(from: inputs) { gradient, needed in
        let inputGradient: Tensor? = needed[0] ? Tensor(uninitializedShape: input.shape) : nil
        let weightGradient: Tensor? = needed[1] ? Tensor(uninitializedShape: weight.shape) : nil
        let biasGradient: Tensor? = bias != nil && needed[2] ? Tensor(uninitializedShape: [outputChannels]) : nil
        Kernels.directConvolutionBackward(
            gradient.storage.base, output: output.storage.base, activation: activation, input: input.storage.base,
            weight: weight.storage.base, geometry: g, outputChannels: outputChannels, samples: samples,
            inputGradient: inputGradient?.storage.base, weightGradient: weightGradient?.storage.base,
            biasGradient: biasGradient?.storage.base)
        return Array([inputGradient, weightGradient, biasGradient].prefix(inputs.count))
    }
}

/// maxPool2D(g(W ∗ x + b)) with 2×2 windows at stride 2 and g ReLU or none, in one pass of the
/// direct kernels: the full-size activation is never stored, nor its gradient (see
/// `direct_conv_pool.c`). Outputs and gradients are bit for bit those of ``directConvolution2D``
/// followed by ``maxPool2D``; a conv output of odd height or width loses its last row or column
/// to the pooling, as there.
func directConvolutionMaxPool2D(
    _ input: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvolutionGeometry,
    activation: Kernels.FusedActivation
) -> Tensor {
    let samples = input.shape[0], outputChannels = weight.shape[0]
    let output = Tensor(uninitializedShape: [samples, outputChannels, g.outputHeight / 2, g.outputWidth / 2])
    let winners = PositionBuffer(.allocate(capacity: max(output.count, 1)))
    Kernels.directConvolutionMaxPool(
        input.storage.base, weight: weight.storage.base, bias: bias.map { UnsafePointer($0.storage.base) },
        activation: activation, geometry: g, outputChannels: outputChannels, samples: samples,
        into: output.storage.base, winners: winners.base)
    let inputs = [input, weight] + (bias.map { [$0] } ?? [])
    return output.recorded(from: inputs) { gradient, needed in
        let inputGradient: Tensor? = needed[0] ? Tensor(uninitializedShape: input.shape) : nil
        let weightGradient: Tensor? = needed[1] ? Tensor(uninitializedShape: weight.shape) : nil
        let biasGradient: Tensor? = bias != nil && needed[2] ? Tensor(uninitializedShape: [outputChannels]) : nil
        Kernels.directConvolutionMaxPoolBackward(
            gradient.storage.base, pooled: output.storage.base, winners: winners.base, activation: activation,
            input: input.storage.base, weight: weight.storage.base, geometry: g, outputChannels: outputChannels,
            samples: samples, inputGradient: inputGradient?.storage.base, weightGradient: weightGradient?.storage.base,
            biasGradient: biasGradient?.storage.base)
        return Array([inputGradient, weightGradient, biasGradient].prefix(inputs.count))
    }
}
