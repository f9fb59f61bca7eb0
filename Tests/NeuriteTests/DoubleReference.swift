import Foundation
import Testing
@testable import Neurite

/// Checks an operation against a float64 reference written in the test: the value of a fixed
/// random projection Σ wᵢ·op(x)ᵢ, and its gradient from autograd against central differences of
/// the float64 reference (h = 1e-6, where float64 rounding, ~1e-16/h, and truncation, ~h², are
/// both far below the tolerance). The tolerance is set by the operation's float32 forward pass.
func expectMatchesDoubleReference(
    at points: [Tensor], weights: [Double], tolerance: Double = 2e-4,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ operation: ([Tensor]) throws -> Tensor, reference: ([[Double]]) -> [Double]
) throws {
    let projection = try Tensor(shape: [weights.count], scalars: weights.map(Float.init))
    let (value, gradients) = try valueWithGradient(at: points) { tracked in
        try (operation(tracked).reshaped([-1]) * projection).sum()
    }
    let inputs = points.map { $0.scalars.map(Double.init) }
    func projected(_ inputs: [[Double]]) -> Double {
        let output = reference(inputs)
        #expect(output.count == weights.count, "reference gives \(output.count) values", sourceLocation: sourceLocation)
        return zip(output, weights).reduce(0) { $0 + $1.0 * $1.1 }
    }
    let expected = projected(inputs)
    #expect(abs(Double(value.scalar) - expected) <= tolerance * max(1, abs(expected)),
            "value \(value.scalar), float64 reference \(expected)", sourceLocation: sourceLocation)
    let step = 1e-6
    for which in inputs.indices {
        for index in inputs[which].indices {
            var plus = inputs, minus = inputs
            plus[which][index] += step
            minus[which][index] -= step
            let numeric = (projected(plus) - projected(minus)) / (2 * step)
            let computed = Double(gradients[which].scalars[index])
            #expect(abs(computed - numeric) <= tolerance * max(1, abs(numeric)),
                    "input \(which) element \(index): autograd \(computed), float64 finite difference \(numeric)",
                    sourceLocation: sourceLocation)
        }
    }
}

/// Fixed projection weights for `count` outputs, the same on every run.
func projectionWeights(_ count: Int, seed: UInt64 = 5) -> [Double] {
    Tensor.randomNormal([count], seed: seed).scalars.map(Double.init)
}
