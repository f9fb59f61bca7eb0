import Foundation
import Neurite

/// The small synthetic data sets of the playground, drawn from a seed.
///
/// 2-D sets are points of [-6, 6]² with a 0/1 label, shaped as in TensorFlow Playground (circle,
/// XOR, two gaussians, two interleaved spirals); 1-D sets are samples (x, f(x) + noise) with x
/// uniform on the training range. Noise is Gaussian with a standard deviation of `noise` times the
/// data's scale: 1 for points (about the gap between the classes: the spiral's arms lie 1.4 apart,
/// the circle's classes 1, the XOR's quadrants 0.6), the largest |f| on the range for a function,
/// so that the same slider means about the same difficulty on every set, and 0.5 blurs the
/// classes into each other as in TensorFlow Playground.
public enum ToyDataset {
    /// The half-width of the plane the points lie in.
    public static let planeExtent: Float = 6

    /// `count` labelled points of `kind` (a 2-D kind), in random order.
    public static func points(
        _ kind: PlaygroundDatasetKind, count: Int, noise: Float, using generator: inout RandomGenerator
    ) -> (points: [SIMD2<Float>], labels: [Int]) {
        precondition(kind.isPlanar, "points(_:) draws 2-D data sets only")
        let deviation = noise
        var points = [SIMD2<Float>](), labels = [Int]()
        for index in 0..<count {
            let label = index % 2
            let fraction = Float(index / 2) / Float(max((count + 1) / 2, 1))
            var point: SIMD2<Float>
            switch kind {
            case .circle:
                // Class 1 inside radius 2.5, class 0 on the ring 3.5 … 5, as in TensorFlow Playground.
                let radius = label == 1 ? generator.uniform(0, 2.5) : generator.uniform(3.5, 5)
                let angle = generator.uniform(0, 2 * .pi)
                point = SIMD2(radius * cos(angle), radius * sin(angle))
            case .xor:
                // Away from the axes by a margin, so that the classes are separable without noise.
                func coordinate() -> Float { let value = generator.uniform(0.3, 5); return generator.uniform(0, 1) < 0.5 ? -value : value }
                point = SIMD2(coordinate(), coordinate())
                if (point.x * point.y > 0 ? 1 : 0) != label { point.y = -point.y }
            case .gaussians:
                let center: Float = label == 1 ? 2 : -2
                point = SIMD2(center + generator.nextNormal(), center + generator.nextNormal())
            case .spiral:
                // Two arms half a turn apart, each 1.75 turns long, radius growing to 5.
                let radius = 5 * fraction
                let angle = 1.75 * 2 * .pi * fraction + (label == 1 ? 0 : .pi)
                point = SIMD2(radius * sin(angle), radius * cos(angle))
            case .function, .mnist:
                preconditionFailure("not a 2-D data set")
            }
            point += SIMD2(generator.nextNormal(), generator.nextNormal()) * deviation
            points.append(point.clamped(lowerBound: SIMD2(repeating: -planeExtent), upperBound: SIMD2(repeating: planeExtent)))
            labels.append(label)
        }
        let order = shuffledIndices(count, using: &generator)
        return (order.map { points[$0] }, order.map { labels[$0] })
    }

    /// `count` samples (x, f(x) + noise), x uniform on `range`.
    public static func samples(
        of function: PlaygroundFunction, on range: ClosedRange<Float>, count: Int, noise: Float,
        using generator: inout RandomGenerator
    ) -> (x: [Float], y: [Float]) {
        let deviation = noise * scale(of: function, on: range)
        let x = (0..<count).map { _ in generator.uniform(range.lowerBound, range.upperBound) }
        return (x, x.map { function($0) + deviation * generator.nextNormal() })
    }

    /// The largest |f(x)| on `range` (at least 1e-3), sampled at 201 points.
    public static func scale(of function: PlaygroundFunction, on range: ClosedRange<Float>) -> Float {
        let width = range.upperBound - range.lowerBound
        let largest = (0...200).map { abs(function(range.lowerBound + width * Float($0) / 200)) }.max() ?? 1
        return max(largest, 1e-3)
    }

    /// 0..<count in a random order (Fisher–Yates).
    static func shuffledIndices(_ count: Int, using generator: inout RandomGenerator) -> [Int] {
        var indices = Array(0..<count)
        for index in stride(from: count - 1, to: 0, by: -1) {
            indices.swapAt(index, Int(generator.next() % UInt64(index + 1)))
        }
        return indices
    }
}

extension RandomGenerator {
    /// A number drawn uniformly from [low, high).
    mutating func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * nextUnitFloat() }
}
