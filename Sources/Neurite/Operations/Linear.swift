import Foundation

/// g(x·W + b) as one fused operation: the GEMM adds the bias and applies g while each output
/// tile is still in registers, instead of three passes over memory.
///
/// Backward, with y = g(z): ∂z = ∂y ⊙ g′ (written with the output y: relu′ = [y > 0],
/// sigmoid′ = y(1−y), tanh′ = 1−y²), then ∂W = xᵀ·∂z, ∂b = Σ_rows ∂z, ∂x = ∂z·Wᵀ.
/// Softmax is not element-wise, so it runs as its own operation after the fused product.
func denseForward(_ input: Tensor, weight weightReference: ParameterReference, bias biasReference: ParameterReference?,
                  activation: Activation) -> Tensor {
    // The parameters are read in place, through their references, and in one go: a tensor copied
    // out of its reference costs a retain and a release per part (shape, buffer, node), and each
    // separate read a run-time exclusivity check: together about a third of what a batch-1
    // inference call spent outside the matrix products.
    // Optimizers and loaders replace the values between calls, never during one.
    let inputSize = weightReference.value.shape[0], outputSize = weightReference.value.shape[1]
    let weights = UnsafePointer(weightReference.value.storage.base)
    let biases = biasReference.map { UnsafePointer($0.value.storage.base) }
    let parametersTracked = weightReference.value.node != nil || biasReference?.value.node != nil
    let rows = input.count / inputSize
    let fused = Kernels.FusedActivation(activation)
    var shape = input.shape
    shape[shape.count - 1] = outputSize
    let output = Tensor(uninitializedShape: shape)
    Kernels.matrixMultiply(
        input.storage.base, transposed: false, weights, transposed: false,
        into: output.storage.base, rows: rows, columns: outputSize, inner: inputSize,
        bias: biases, activation: fused)
    // Inference (nothing tracked): return before building the input list and closure a graph
    // node needs. At batch 1 these small allocations cost as much as the product itself.
    guard input.node != nil || parametersTracked else {
        return activation == .softmax ? softmax(output) : output
    }

    let weight = weightReference.value, bias = biasReference?.value
    let inputs = [input, weight] + (bias.map { [$0] } ?? [])
    let result = output.recorded(from: inputs) { gradient, needed in
        // ∂z and the bias's gradient Σ_rows ∂z in one pass; without an activation ∂z is ∂y.
        let sumsNeeded = bias != nil && needed[2]
        let (preactivationGradient, biasGradient) = fused == .none
            ? (gradient, sumsNeeded ? Kernels.columnSums(gradient) : nil)
            : Kernels.activationBackward(gradient, output: output, activation: fused, columnSums: sumsNeeded)
        let dz = preactivationGradient.storage.base
        var gradients: [Tensor?] = [nil, nil, nil]
        if needed[0] {
            let inputGradient = Tensor(uninitializedShape: input.shape)
            Kernels.matrixMultiply(
                dz, transposed: false, weight.storage.base, transposed: true,
                into: inputGradient.storage.base, rows: rows, columns: inputSize, inner: outputSize)
            gradients[0] = inputGradient
        }
        if needed[1], let step = weight.node?.stepConsumingGradient {
            // The optimizer's step applied as the gradient is computed; nothing to return.
            step.apply(input: input.storage.base, outputGradient: dz, samples: rows, inputSize: inputSize, outputSize: outputSize)
        } else if needed[1] {
            let weightGradient = Tensor(uninitializedShape: weight.shape)
            Kernels.matrixMultiply(
                input.storage.base, transposed: true, dz, transposed: false,
                into: weightGradient.storage.base, rows: inputSize, columns: outputSize, inner: rows)
            gradients[1] = weightGradient
        }
        gradients[2] = biasGradient
        return Array(gradients.prefix(inputs.count))
    }
    return activation == .softmax ? softmax(result) : result
}
