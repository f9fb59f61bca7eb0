import Foundation

/// Element-wise functions of one tensor, each with its derivative.
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

    /// √x; d/dx = 1/(2√x).
    public func squareRoot() -> Tensor {
        let result = Kernels.map(self) { $0.squareRoot() }
        return result.recorded(from: [self]) { gradient, _ in [Kernels.zip(gradient, result) { $0 / (2 * $1) }] }
    }

    /// x²; d/dx = 2x.
    public func squared() -> Tensor {
        Kernels.map(self) { $0 * $0 }.recorded(from: [self]) { gradient, _ in [Kernels.zip(gradient, self) { 2 * $0 * $1 }] }
    }

    /// xᵖ; d/dx = p·xᵖ⁻¹.
    public func raised(to power: Float) -> Tensor {
        Kernels.map(self) { Foundation.pow($0, power) }.recorded(from: [self]) { gradient, _ in
            [Kernels.zip(gradient, self) { $0 * power * Foundation.pow($1, power - 1) }]
        }
    }

    /// |x|; the derivative is sign(x), taken as 0 at 0.
    public func absolute() -> Tensor {
        Kernels.map(self, Swift.abs).recorded(from: [self]) { gradient, _ in
            [Kernels.zip(gradient, self) { g, x in x > 0 ? g : (x < 0 ? -g : 0) }]
        }
    }

    /// Values limited to `range`; the gradient passes only where the value was inside it.
    public func clamped(to range: ClosedRange<Float>) -> Tensor {
        Kernels.map(self) { Swift.min(Swift.max($0, range.lowerBound), range.upperBound) }.recorded(from: [self]) { gradient, _ in
            [Kernels.zip(gradient, self) { g, x in range.contains(x) ? g : 0 }]
        }
    }
}
