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

    /// Seeded conveniences for one-off tensors.
    public static func randomNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1, seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return randomNormal(shape, mean: mean, standardDeviation: standardDeviation, using: &generator)
    }

    public static func randomUniform(_ shape: [Int], from lowerBound: Float = 0, to upperBound: Float = 1, seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return randomUniform(shape, from: lowerBound, to: upperBound, using: &generator)
    }

    /// Rows of the identity matrix picked by `labels`: row i has a 1 in column `labels[i]`.
    /// - Throws: ``TensorError/invalidArgument(_:)`` for a label outside `0..<classCount`.
    public static func oneHot(_ labels: [Int], classCount: Int) throws -> Tensor {
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
