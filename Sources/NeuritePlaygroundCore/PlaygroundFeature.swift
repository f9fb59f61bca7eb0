import Foundation
import Neurite

/// An input feature computed from a point (x, y) of the plane, as in TensorFlow Playground:
/// with x² and y² a single linear unit already separates a circle, with xy the XOR.
public enum PlaygroundFeature: String, Codable, CaseIterable, Sendable {
    case x, y
    case x2, y2, xy
    case sinx, siny

    /// The feature at the point (x, y).
    public func value(x: Float, y: Float) -> Float {
        switch self {
        case .x: return x
        case .y: return y
        case .x2: return x * x
        case .y2: return y * y
        case .xy: return x * y
        case .sinx: return sin(x)
        case .siny: return sin(y)
        }
    }

    /// The inputs of the network for `points` (`[n, 2]`): one column per feature, `[n, features]`.
    public static func expand(_ points: Tensor, features: [PlaygroundFeature]) throws -> Tensor {
        let values = points.scalars, count = points.shape[0]
        var expanded = [Float]()
        expanded.reserveCapacity(count * features.count)
        for row in 0..<count {
            let x = values[2 * row], y = values[2 * row + 1]
            for feature in features { expanded.append(feature.value(x: x, y: y)) }
        }
        return try Tensor(shape: [count, features.count], scalars: expanded)
    }
}
