import Foundation

/// g(x·W + b) as one fused operation: the GEMM adds the bias and applies g while each output
/// tile is still in registers, instead of three passes over memory.
///
/// Backward, with y = g(z): ∂z = ∂y ⊙ g′ (written with the output y: relu′ = [y > 0],
/// sigmoid′ = y(1−y), tanh′ = 1−y²), then ∂W = xᵀ·∂z, ∂b = Σ_rows ∂z, ∂x = ∂z·Wᵀ.
/// Softmax is not element-wise, so it runs as its own operation after the fused product.
func denseForward(_ input: Tensor, weight: Tensor, bias: Tensor?, activation: Activation) -> Tensor {
    let inputSize = weight.shape[0], outputSize = weight.shape[1]
    let rows = input.count / inputSize
    let fused = Kernels.FusedActivation(activation)
    var shape = input.shape
    shape[shape.count - 1] = outputSize
    let output = Tensor(uninitializedShape: shape)
    Kernels.matrixMultiply(
        input.storage.base, transposed: false, weight.storage.base, transposed: false,
        into: output.storage.base, rows: rows, columns: outputSize, inner: inputSize,
        bias: bias.map { UnsafePointer($0.storage.base) }, activation: fused)
    // Inference (nothing tracked): return before building the input list and closure a graph
    // node needs. At batch 1 these small allocations cost as much as the product itself.
    guard input.node != nil || weight.node != nil || bias?.node != nil else {
        return activation == .softmax ? softmax(output) : output
    }

    let inputs = [input, weight] + (bias.map { [$0] } ?? [])
    let result = output.recorded(from: inputs) { gradient, needed in
        let preactivationGradient: Tensor
        switch fused {
        case .none: preactivationGradient = gradient
        case .relu: preactivationGradient = Kernels.zip(gradient, output) { $1 > 0 ? $0 : 0 }
        case .sigmoid: preactivationGradient = Kernels.zip(gradient, output) { $0 * $1 * (1 - $1) }
        case .tanh: preactivationGradient = Kernels.zip(gradient, output) { $0 * (1 - $1 * $1) }
        }
        let dz = preactivationGradient.storage.base
        var gradients: [Tensor?] = [nil, nil, nil]
        if needed[0] {
            let inputGradient = Tensor(uninitializedShape: input.shape)
            Kernels.matrixMultiply(
                dz, transposed: false, weight.storage.base, transposed: true,
                into: inputGradient.storage.base, rows: rows, columns: inputSize, inner: outputSize)
            gradients[0] = inputGradient
        }
        if needed[1] {
            let weightGradient = Tensor(uninitializedShape: weight.shape)
            Kernels.matrixMultiply(
                input.storage.base, transposed: true, dz, transposed: false,
                into: weightGradient.storage.base, rows: inputSize, columns: outputSize, inner: rows)
            gradients[1] = weightGradient
        }
        if bias != nil, needed[2] {
            gradients[2] = Kernels.columnSums(preactivationGradient)  // Σ over all rows, vectorized
        }
        return Array(gradients.prefix(inputs.count))
    }
    return activation == .softmax ? softmax(result) : result
}
