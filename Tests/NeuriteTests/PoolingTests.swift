import Testing
@testable import Neurite

@Suite("Pooling")
struct PoolingTests {
    @Test func maxPoolTakesWindowMaximaAndRoutesGradientToThem() throws {
        let x = try Tensor(shape: [1, 1, 4, 4], scalars: [
            1, 3, 0, -1,
            2, 0, 5, 4,
            -2, 7, 1, 1,
            6, 0, 1, 2,
        ])
        let (output, gradients) = try valueWithGradient(at: [x]) { inputs in
            let pooled = try MaxPool2D(2)(inputs[0])
            #expect(pooled.scalars == [3, 5, 7, 2])
            return try (pooled * Tensor(shape: [1, 1, 2, 2], scalars: [10, 20, 30, 40])).sum()
        }
        let expected: Float = 3 * 10 + 5 * 20 + 7 * 30 + 2 * 40
        #expect(output.scalar == expected)
        // Each window's gradient lands on its arg-max only (the tie 1, 1, 1, 2 goes to the 2).
        let routed: [Float] = [
            0, 10, 0, 0,
            0, 0, 20, 0,
            0, 30, 0, 0,
            0, 0, 0, 40,
        ]
        #expect(gradients[0].scalars == routed)
    }

    @Test func averagePoolSharesGradientEvenly() throws {
        let x = try Tensor(shape: [1, 1, 2, 4], scalars: [1, 2, 3, 4, 5, 6, 7, 9])
        let (_, gradients) = try valueWithGradient(at: [x]) { inputs in
            let pooled = try AvgPool2D(2)(inputs[0])
            #expect(pooled.scalars == [3.5, 5.75])
            return try (pooled * Tensor(shape: [1, 1, 1, 2], scalars: [4, 8])).sum()
        }
        #expect(gradients[0].scalars == [1, 1, 2, 2, 1, 1, 2, 2])
    }

    @Test func globalAveragePoolingAveragesEachChannel() throws {
        let x = try Tensor(shape: [1, 2, 2, 2], scalars: [1, 2, 3, 6, -1, -1, -1, 7])
        #expect(try GlobalAveragePooling2D()(x).scalars == [3, 1])
        #expect(throws: TensorError.self) { try GlobalAveragePooling2D()(Tensor.zeros([2, 3])) }
    }

    @Test func matchesIndependentNumPyReference() throws {
        for case_ in ConvolutionFixtures.shared.poolings {
            let x = try Tensor(shape: case_.inputShape, scalars: case_.input)
            let output = case_.kind == "max"
                ? try MaxPool2D(case_.kernel, stride: case_.stride, padding: case_.padding)(x)
                : try AvgPool2D(case_.kernel, stride: case_.stride, padding: case_.padding)(x)
            #expect(output.shape == case_.outputShape, "\(case_.kind) \(case_.kernel)")
            #expect(largestDifference(output.scalars, case_.output) < 1e-5, "\(case_.kind) \(case_.kernel)")
        }
    }

    @Test func gradientsMatchFiniteDifferences() throws {
        // Values at least 0.05 apart, so no window holds two within the finite-difference step
        // of each other (a near-tie makes the maximum non-differentiable there).
        var generator = RandomGenerator(seed: 11)
        let x = try Tensor(shape: [2, 2, 5, 6], scalars: (0..<120).shuffled(using: &generator).map { Float($0) * 0.05 - 3 })
        try expectGradientsMatchFiniteDifferences(at: [x]) { try project(MaxPool2D(2)($0[0])) }
        try expectGradientsMatchFiniteDifferences(at: [x]) { try project(MaxPool2D(3, stride: 2, padding: 1)($0[0])) }
        try expectGradientsMatchFiniteDifferences(at: [x]) { try project(AvgPool2D(3, stride: 2, padding: 1)($0[0])) }
        try expectGradientsMatchFiniteDifferences(at: [x]) { try project(GlobalAveragePooling2D()($0[0])) }
    }

    @Test func tooSmallImagesAreRejectedWithBothShapes() throws {
        #expect(throws: TensorError.layerInput(layer: "MaxPool2D(3)", expected: "[batch, channels, h, w] with h, w ≥ 3", got: [1, 1, 2, 2])) {
            try MaxPool2D(3)(Tensor.zeros([1, 1, 2, 2]))
        }
        #expect(throws: TensorError.layerInput(layer: "AvgPool2D(2)", expected: "[batch, channels, h, w] with h, w ≥ 2", got: [4, 16])) {
            try AvgPool2D(2)(Tensor.zeros([4, 16]))
        }
    }
}
