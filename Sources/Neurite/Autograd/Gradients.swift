import Foundation

/// The gradient of a loss with respect to each trainable parameter of a model, as returned by
/// ``valueWithGradient(of:_:)``, with the tools to inspect and tame it.
public struct Gradients: Sendable {
    /// One parameter and its gradient.
    public struct Entry: Sendable {
        /// The parameter's path in the model, e.g. `"layers.0.weight"`.
        public let name: String
        /// The parameter the gradient belongs to.
        public let parameter: ParameterReference
        /// ∂loss/∂parameter, of the parameter's shape.
        public var gradient: Tensor
    }

    public private(set) var entries: [Entry]

    /// Gradients for `entries`, in model order.
    public init(_ entries: [Entry]) { self.entries = entries }

    /// The gradient of `parameter`, if it has one.
    public subscript(parameter: ParameterReference) -> Tensor? {
        entries.first { $0.parameter === parameter }?.gradient
    }

    /// ‖g‖₂ over all parameters together, the quantity clipping by norm bounds.
    public var globalNorm: Float {
        var total: Double = 0
        for entry in entries {
            entry.gradient.withUnsafeBuffer { buffer in for value in buffer { total += Double(value) * Double(value) } }
        }
        return Float(total.squareRoot())
    }

    /// All gradients scaled by the same factor so that their global norm is at most `maximumNorm`
    /// (unchanged when it already is). Scaling them together keeps the update's direction, unlike
    /// clipping each value, and stops one exploding step from wrecking the weights.
    public func clipped(toNorm maximumNorm: Float) -> Gradients {
        let norm = globalNorm
        guard norm > maximumNorm, norm > 0 else { return self }
        return mapGradients { $0 * (maximumNorm / norm) }
    }

    /// Every component limited to `[-limit, limit]`. Simple and bounded, but it changes the
    /// direction of the update; prefer ``clipped(toNorm:)`` unless single values explode.
    public func clipped(toValue limit: Float) -> Gradients {
        mapGradients { $0.clamped(to: -limit...limit) }
    }

    /// Mean, standard deviation, largest magnitude and norm of each parameter's gradient: how to
    /// see gradients vanishing (norms shrinking toward the first layer) or exploding.
    public var statistics: [(name: String, statistics: TensorStatistics)] {
        entries.map { ($0.name, TensorStatistics($0.gradient)) }
    }

    private func mapGradients(_ transform: (Tensor) -> Tensor) -> Gradients {
        var result = self
        for index in result.entries.indices { result.entries[index].gradient = transform(result.entries[index].gradient) }
        return result
    }
}

/// Summary numbers of one tensor.
public struct TensorStatistics: Sendable, CustomStringConvertible {
    /// The mean of the elements.
    public let mean: Float
    /// The population standard deviation of the elements.
    public let standardDeviation: Float
    /// The largest |element|.
    public let maximumMagnitude: Float
    /// The Euclidean norm √Σx².
    public let norm: Float

    /// The statistics of `tensor`, accumulated in double precision.
    public init(_ tensor: Tensor) {
        var sum: Double = 0, squares: Double = 0, largest: Float = 0
        tensor.withUnsafeBuffer { buffer in
            for value in buffer {
                sum += Double(value)
                squares += Double(value) * Double(value)
                largest = max(largest, abs(value))
            }
        }
        let count = Double(max(tensor.count, 1))
        mean = Float(sum / count)
        standardDeviation = Float(max(0, squares / count - (sum / count) * (sum / count)).squareRoot())
        maximumMagnitude = largest
        norm = Float(squares.squareRoot())
    }

    public var description: String {
        String(format: "mean %+.3e  std %.3e  max|g| %.3e  norm %.3e", mean, standardDeviation, maximumMagnitude, norm)
    }
}
