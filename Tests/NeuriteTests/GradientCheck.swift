import Testing
@testable import Neurite

/// Compares autograd's gradient of `function` at `points` with central finite differences.
///
/// The tensors are Float, so the tolerance is set by Float's precision, not by the method: the
/// central difference has truncation error O(h²) and rounding error about ε·|f|/h with
/// ε ≈ 6e-8. With h = 1e-2 and |f| ≲ 10 both are ≲ 1e-4, so an absolute 2e-3 plus a relative
/// 2e-2 only fails for a wrong gradient, never for rounding (a wrong factor of 2 or a wrong
/// sign is off by 100%).
func expectGradientsMatchFiniteDifferences(
    at points: [Tensor], step: Float = 1e-2, absoluteTolerance: Float = 2e-3, relativeTolerance: Float = 2e-2,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ function: ([Tensor]) throws -> Tensor
) throws {
    let (_, analytic) = try valueWithGradient(at: points, of: function)
    for (which, point) in points.enumerated() {
        #expect(analytic[which].shape == point.shape, sourceLocation: sourceLocation)
        for index in 0..<point.count {
            var plus = points, minus = points
            plus[which] = shifted(point, at: index, by: step)
            minus[which] = shifted(point, at: index, by: -step)
            let numeric = (try function(plus).scalar - function(minus).scalar) / (2 * step)
            let computed = analytic[which].scalars[index]
            #expect(
                abs(computed - numeric) <= absoluteTolerance + relativeTolerance * abs(numeric),
                "input \(which) element \(index): autograd \(computed), finite difference \(numeric)",
                sourceLocation: sourceLocation)
        }
    }
}

private func shifted(_ tensor: Tensor, at index: Int, by amount: Float) -> Tensor {
    var values = tensor.scalars
    values[index] += amount
    return try! Tensor(shape: tensor.shape, scalars: values)
}

/// Random values bounded away from 0, so kinks (relu, abs, max) are not straddled by ±h.
func awayFromZero(_ shape: [Int], seed: UInt64) -> Tensor {
    let raw = Tensor.randomUniform(shape, from: -1, to: 1, seed: seed)
    return try! Tensor(shape: shape, scalars: raw.scalars.map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 })
}

/// A fixed random projection to a scalar, so every output element's gradient matters and
/// differs (summing alone would hide errors that cancel, such as in softmax).
func project(_ tensor: Tensor, seed: UInt64 = 99) throws -> Tensor {
    (tensor * Tensor.randomNormal(tensor.shape, seed: seed)).sum()
}
