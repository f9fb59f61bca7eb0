import Foundation

/// Element-wise functions of one tensor, each with its derivative next to it. Derivatives that
/// are cheapest in terms of the output (eˣ, √x, sigmoid, tanh) reuse it.
extension Tensor {
    /// eˣ; its derivative is itself.
    public func exp() -> Tensor {
        let result = Kernels.map(self, Foundation.exp)
        return result.recorded(from: [self]) { gradient, _ in [Kernels.zip(gradient, result, *)] }
    }

    /// Natural logarithm; d/dx = 1/x.
    public func log() -> Tensor {
        Kernels.map(self, Foundation.log).recorded(from: [self]) { gradient, _ in [Kernels.zip(gradient, self, /)] }
    }

    /// sin x; d/dx = cos x.
    public func sin() -> Tensor {
        Kernels.map(self, Foundation.sin).recorded(from: [self]) { gradient, _ in
            [Kernels.zip(gradient, self) { $0 * Foundation.cos($1) }]
        }
    }

    /// cos x; d/dx = −sin x.
    public func cos() -> Tensor {
        Kernels.map(self, Foundation.cos).recorded(from: [self]) { gradient, _ in
            [Kernels.zip(gradient, self) { -$0 * Foundation.sin($1) }]
        }
    }

    /// √x; d/dx = 1/(2√x).
    public func sqrt() -> Tensor {
        let result = Kernels.map(self) { $0.squareRoot() }
        return result.recorded(from: [self]) { gradient, _ in [Kernels.zip(gradient, result) { $0 / (2 * $1) }] }
    }

    /// √x, the same as ``sqrt()`` under the name of `Float.squareRoot()`.
    public func squareRoot() -> Tensor { sqrt() }

    /// x²; d/dx = 2x.
    public func squared() -> Tensor {
        Kernels.map(self) { $0 * $0 }.recorded(from: [self]) { gradient, _ in [Kernels.zip(gradient, self) { 2 * $0 * $1 }] }
    }

    /// xᵖ; d/dx = p·xᵖ⁻¹.
    public func pow(_ exponent: Float) -> Tensor {
        Kernels.map(self) { Foundation.pow($0, exponent) }.recorded(from: [self]) { gradient, _ in
            [Kernels.zip(gradient, self) { $0 * exponent * Foundation.pow($1, exponent - 1) }]
        }
    }

    /// xᵖ, the same as ``pow(_:)-(Float)``.
    public func raised(to power: Float) -> Tensor { pow(power) }

    /// |x|; the derivative is sign(x), taken as 0 at 0.
    public func abs() -> Tensor {
        Kernels.map(self, Swift.abs).recorded(from: [self]) { gradient, _ in
            [Kernels.zip(gradient, self) { g, x in x > 0 ? g : (x < 0 ? -g : 0) }]
        }
    }

    /// |x|, the same as ``abs()``.
    public func absolute() -> Tensor { abs() }

    /// 1/(1+e⁻ˣ), the same as ``sigmoid(_:)``.
    public func sigmoid() -> Tensor { Neurite.sigmoid(self) }

    /// tanh x, the same as ``tanh(_:)``.
    public func tanh() -> Tensor { Neurite.tanh(self) }

    /// Values limited to `range`; the gradient passes only where the value was inside it.
    public func clamped(to range: ClosedRange<Float>) -> Tensor {
        Kernels.map(self) { Swift.min(Swift.max($0, range.lowerBound), range.upperBound) }.recorded(from: [self]) { gradient, _ in
            [Kernels.zip(gradient, self) { g, x in range.contains(x) ? g : 0 }]
        }
    }

    /// `transform` applied to every element. The result is not tracked by autograd (a closure's
    /// derivative is unknown): use it for functions that need no gradient, such as rounding or
    /// thresholds, and the methods above for those that do.
    public func map(_ transform: (Float) throws -> Float) rethrows -> Tensor {
        var result = Tensor(uninitializedShape: shape)
        let source = storage.base
        try result.withUnsafeMutableBuffer { buffer in
            for index in buffer.indices { buffer[index] = try transform(source[index]) }
        }
        return result
    }
}

/// xᵖ element-wise with broadcasting, differentiable in both: ∂/∂x = p·xᵖ⁻¹, ∂/∂p = xᵖ·ln x
/// (so the exponent's gradient needs x > 0). Shapes that cannot broadcast are reported as
/// described in ``withTensorErrors(_:)``.
public func pow(_ base: Tensor, _ exponent: Tensor) -> Tensor {
    Tensor.checked {
        let shape = try Broadcasting.shape(base.shape, exponent.shape, operation: "pow")
        let result = Kernels.broadcast(base, exponent, to: shape, Foundation.pow)
        return result.recorded(from: [base, exponent]) { gradient, needed in
            let x = Kernels.expand(base, to: shape), p = Kernels.expand(exponent, to: shape)
            let baseSlope = Kernels.zip(x, p) { $1 * Foundation.pow($0, $1 - 1) }
            let exponentSlope = Kernels.zip(result, x) { $0 * Foundation.log($1) }
            return [
                needed[0] ? Kernels.sum(Kernels.zip(gradient, baseSlope, *), toShape: base.shape) : nil,
                needed[1] ? Kernels.sum(Kernels.zip(gradient, exponentSlope, *), toShape: exponent.shape) : nil,
            ]
        }
    }
}
