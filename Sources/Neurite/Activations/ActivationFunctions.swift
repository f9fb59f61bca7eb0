import Foundation

// The non-linearities g in a = g(w·x + b). Without them a stack of layers collapses into one
// linear map; with them it can fit any continuous function.
//
// Each derivative is written in terms of the output g, which the forward pass already has:
// sigmoid' = g(1−g), tanh' = 1−g², relu' = [g > 0].

/// max(0, x). Cheap, and its gradient does not shrink for positive inputs, which is why deep
/// networks train with it where sigmoid's gradients vanish.
public func relu(_ x: Tensor) -> Tensor {
    let result = Kernels.map(x) { Swift.max($0, 0) }
    return result.recorded(from: [x]) { gradient, _ in [Kernels.zip(gradient, result) { $1 > 0 ? $0 : 0 }] }
}

/// 1/(1+e⁻ˣ), in (0, 1): a probability for binary outputs.
public func sigmoid(_ x: Tensor) -> Tensor {
    let result = Kernels.map(x, stableSigmoid)
    return result.recorded(from: [x]) { gradient, _ in [Kernels.zip(gradient, result) { $0 * $1 * (1 - $1) }] }
}

/// Hyperbolic tangent, in (−1, 1): a zero-centred sigmoid.
public func tanh(_ x: Tensor) -> Tensor {
    let result = Kernels.map(x, Foundation.tanh)
    return result.recorded(from: [x]) { gradient, _ in [Kernels.zip(gradient, result) { $0 * (1 - $1 * $1) }] }
}

/// eˣⁱ / Σⱼ eˣʲ along `axis`: each slice becomes a probability distribution.
///
/// The maximum is subtracted first (softmax is invariant to shifts), so no exponent overflows.
/// Backward: ∂x = s ⊙ (∂s − Σ(∂s ⊙ s)), the Jacobian-vector product without forming the Jacobian.
public func softmax(_ x: Tensor, alongAxis axis: Int = -1) -> Tensor {
    guard let layout = Tensor.checked(nil, { try AxisLayout(shape: x.shape, axis: axis) }) else { return .zeros([0]) }
    let result = Kernels.softmax(x, along: layout, logarithm: false)
    return result.recorded(from: [x]) { gradient, _ in
        let weighted = Kernels.sum(Kernels.zip(gradient, result, *), along: layout, shape: layout.keptShape)
        return [Kernels.broadcast(Kernels.broadcast(gradient, weighted, to: x.shape, -), result, to: x.shape, *)]
    }
}

/// log(softmax(x)) computed as x − max − log Σ e^(x−max): stable where log(softmax) would
/// take the logarithm of an underflowed 0. Backward: ∂x = ∂y − softmax(x)·Σ∂y.
public func logSoftmax(_ x: Tensor, alongAxis axis: Int = -1) -> Tensor {
    guard let layout = Tensor.checked(nil, { try AxisLayout(shape: x.shape, axis: axis) }) else { return .zeros([0]) }
    let result = Kernels.softmax(x, along: layout, logarithm: true)
    return result.recorded(from: [x]) { gradient, _ in
        let total = Kernels.sum(gradient, along: layout, shape: layout.keptShape)
        let probabilities = Kernels.map(result, Foundation.exp)
        return [Kernels.broadcast(gradient, Kernels.broadcast(probabilities, total, to: x.shape, *), to: x.shape, -)]
    }
}

/// Sigmoid without overflow: for negative x, e^x/(1+e^x) avoids e^(−x) = ∞.
@inline(__always)
func stableSigmoid(_ x: Float) -> Float {
    if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
    let e = Foundation.exp(x)
    return e / (1 + e)
}

extension Kernels {
    /// Softmax (or log-softmax) of each slice along the axis of `layout`.
    static func softmax(_ input: Tensor, along layout: AxisLayout, logarithm: Bool) -> Tensor {
        if layout.inner == 1 && layout.length > 0 {  // rows along memory: the vectorized kernel
            let softmax = softmaxRows(input, rows: layout.outer, columns: layout.length)
            guard logarithm else { return softmax.probabilities }
            let source = input.storage.base, destination = softmax.probabilities.storage.base
            for row in 0..<layout.outer {
                let start = row * layout.length, logSumExp = softmax.logSumExp(row)
                for k in start..<start + layout.length { destination[k] = source[k] - logSumExp }
            }
            return softmax.probabilities
        }
        let result = Tensor(uninitializedShape: input.shape)
        let source = input.storage.base, destination = result.storage.base
        let stride = layout.inner
        for o in 0..<layout.outer {
            for i in 0..<layout.inner {
                let start = o * layout.length * stride + i
                var largest = -Float.infinity
                for k in 0..<layout.length { largest = Swift.max(largest, source[start + k * stride]) }
                var total: Float = 0
                for k in 0..<layout.length {
                    let e = Foundation.exp(source[start + k * stride] - largest)
                    destination[start + k * stride] = e
                    total += e
                }
                if logarithm {
                    let logTotal = Foundation.log(total) + largest
                    for k in 0..<layout.length { destination[start + k * stride] = source[start + k * stride] - logTotal }
                } else {
                    let scale = 1 / total
                    for k in 0..<layout.length { destination[start + k * stride] *= scale }
                }
            }
        }
        return result
    }
}
