import Foundation

extension Tensor {
    /// A tensor of the given shape filled with `value`.
    public static func full(_ shape: [Int], _ value: Float) -> Tensor {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        return Tensor(shape: shape, storage: TensorStorage(repeating: value, count: shape.reduce(1, *)))
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { full(shape, 0) }
    /// A tensor of ones.
    public static func ones(_ shape: [Int]) -> Tensor { full(shape, 1) }

    /// `[start, start + step, …]` up to but excluding `end`, like NumPy's `arange`.
    public static func arange(_ start: Float = 0, _ end: Float, step: Float = 1) -> Tensor {
        precondition(step != 0, "arange needs a non-zero step")
        let count = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        return Tensor((0..<count).map { start + Float($0) * step })
    }

    /// `count` evenly spaced values from `start` to `end`, both included, like NumPy's `linspace`:
    /// `Tensor.linspace(0, 1, count: 5)` is `[0, 0.25, 0.5, 0.75, 1]`. Each value is computed
    /// as start + i·step in double precision, so the last one is exactly `end`.
    public static func linspace(_ start: Float, _ end: Float, count: Int) -> Tensor {
        precondition(count >= 0, "linspace needs a count of at least 0, got \(count)")
        guard count > 1 else { return Tensor(count == 1 ? [start] : []) }
        let step = (Double(end) - Double(start)) / Double(count - 1)
        return Tensor((0..<count).map { $0 == count - 1 ? end : Float(Double(start) + Double($0) * step) })
    }

    /// Samples from the normal distribution N(mean, standardDeviation²).
    public static func randomNormal(
        _ shape: [Int], mean: Float = 0, standardDeviation: Float = 1, using generator: inout RandomGenerator
    ) -> Tensor {
        var result = Tensor(uninitializedShape: shape)
        result.withUnsafeMutableBuffer { buffer in
            for index in buffer.indices { buffer[index] = mean + standardDeviation * generator.nextNormal() }
        }
        return result
    }

    /// Samples from the uniform distribution on `[lowerBound, upperBound)`.
    public static func randomUniform(
        _ shape: [Int], from lowerBound: Float = 0, to upperBound: Float = 1, using generator: inout RandomGenerator
    ) -> Tensor {
        var result = Tensor(uninitializedShape: shape)
        let width = upperBound - lowerBound
        result.withUnsafeMutableBuffer { buffer in
            for index in buffer.indices { buffer[index] = lowerBound + width * generator.nextUnitFloat() }
        }
        return result
    }

    /// Samples from N(mean, standardDeviation²), seeded by `seed`, or by the global generator
    /// (see ``seed(_:)``) when it is `nil`.
    public static func randomNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1, seed: UInt64? = nil) -> Tensor {
        var generator = RandomGenerator(seed: GlobalRandom.seed(seed))
        return randomNormal(shape, mean: mean, standardDeviation: standardDeviation, using: &generator)
    }

    /// Samples from the uniform distribution on `[lowerBound, upperBound)`, seeded by `seed`, or by
    /// the global generator (see ``seed(_:)``) when it is `nil`.
    public static func randomUniform(_ shape: [Int], from lowerBound: Float = 0, to upperBound: Float = 1, seed: UInt64? = nil) -> Tensor {
        var generator = RandomGenerator(seed: GlobalRandom.seed(seed))
        return randomUniform(shape, from: lowerBound, to: upperBound, using: &generator)
    }

    /// Rows of the identity matrix picked by `labels`: row i has a 1 in column `labels[i]`.
    /// - Throws: ``TensorError/invalidArgument(_:)`` for a negative class count, one whose rows
    ///   cannot fit in memory (``SizeLimit``), or a label outside `0..<classCount`.
    public static func oneHot(_ labels: [Int], classCount: Int) throws -> Tensor {
        guard classCount >= 0 else { throw TensorError.invalidArgument("oneHot: class count \(classCount) is negative") }
        if let problem = SizeLimit.problem(shape: [labels.count, classCount]) { throw TensorError.invalidArgument("oneHot: \(problem)") }
        var result = Tensor.zeros([labels.count, classCount])
        try result.withUnsafeMutableBuffer { buffer in
            for (row, label) in labels.enumerated() {
                guard (0..<classCount).contains(label) else {
                    throw TensorError.invalidArgument("label \(label) is outside 0..<\(classCount)")
                }
                buffer[row * classCount + label] = 1
            }
        }
        return result
    }
}
