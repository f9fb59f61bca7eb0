/// Differentiable pooling over NCHW tensors; `geometry.channels` is ignored (every n·c plane is
/// pooled alike).

/// The maximum of each window. Backward: the whole gradient of an output goes to the input that
/// was its maximum (the first one on ties); the others did not affect the output.
func maxPool2D(_ input: Tensor, geometry g: ConvolutionGeometry) -> Tensor {
    let planes = input.shape[0] * input.shape[1]
    let output = Tensor(uninitializedShape: [input.shape[0], input.shape[1], g.outputHeight, g.outputWidth])
    let positions = UnsafeMutablePointer<Int32>.allocate(capacity: max(output.count, 1))
    let owner = PositionBuffer(positions)
    Kernels.maxPool(input.storage.base, planes: planes, geometry: g, into: output.storage.base, positions: positions)
    return output.recorded(from: [input]) { gradient, _ in
        // The 2×2 kernel writes every pixel; the general one adds onto zeros.
        let inputGradient = g.isPlainTwoByTwo ? Tensor(uninitializedShape: input.shape) : Tensor.zeros(input.shape)
        Kernels.maxPoolBackward(
            gradient.storage.base, positions: owner.base, planes: planes, geometry: g, into: inputGradient.storage.base)
        return [inputGradient]
    }
}

/// The mean of each window (always over kh·kw, padding counting as zeros). Backward: each
/// input in a window receives 1/(kh·kw) of that output's gradient.
func averagePool2D(_ input: Tensor, geometry g: ConvolutionGeometry) -> Tensor {
    let planes = input.shape[0] * input.shape[1]
    let output = Tensor(uninitializedShape: [input.shape[0], input.shape[1], g.outputHeight, g.outputWidth])
    Kernels.averagePool(input.storage.base, output.storage.base, planes: planes, geometry: g, transpose: false)
    return output.recorded(from: [input]) { gradient, _ in
        let inputGradient = Tensor.zeros(input.shape)
        Kernels.averagePool(inputGradient.storage.base, gradient.storage.base, planes: planes, geometry: g, transpose: true)
        return [inputGradient]
    }
}

/// The arg-max positions of one max-pooling call, freed when its autograd record is.
final class PositionBuffer {
    let base: UnsafeMutablePointer<Int32>
    init(_ base: UnsafeMutablePointer<Int32>) { self.base = base }
    deinit { base.deallocate() }
}
