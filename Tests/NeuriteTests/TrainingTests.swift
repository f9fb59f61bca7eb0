import Testing
@testable import Neurite

@Suite("Training end to end")
struct TrainingTests {
    @Test func learnsXORWithTwoFourOneNetwork() throws {
        let model = Sequential {
            Dense(2, 4, activation: .tanh, seed: 3)
            Dense(4, 1, seed: 4)
        }
        let inputs = try Tensor(rows: [[0, 0], [0, 1], [1, 0], [1, 1]])
        let targets = try Tensor(shape: [4, 1], scalars: [0, 1, 1, 0])
        var optimizer = SGD(learningRate: 0.5, momentum: 0.9)
        var trained = model
        for _ in 0..<500 {
            let (_, gradients) = try valueWithGradient(of: model) { model in
                try binaryCrossEntropy(logits: model(inputs), targets: targets)
            }
            optimizer.update(&trained, along: gradients)
        }
        let probabilities = try sigmoid(model(inputs)).scalars
        #expect(probabilities[0] < 0.1 && probabilities[3] < 0.1)
        #expect(probabilities[1] > 0.9 && probabilities[2] > 0.9)
    }

    /// predict checks the whole output after its first batch: 2²¹ samples of one number through
    /// Dense(1, 2²¹) would be 2⁴² floats (17.6 TB), refused after the first sample's 8 MB.
    @Test func predictRefusesOutputsTooLargeForMemory() throws {
        let widening = Dense(1, 1 << 21, seed: 1)
        let inputs = Tensor.zeros([1 << 21, 1])
        #expect {
            try widening.predict(inputs, batchSize: 1)
        } throws: { error in
            "\(error)".contains("the outputs of 2097152 samples: shape [2097152, 2097152] needs 17.6 TB")
        }
        #expect(try widening.predict(Tensor.zeros([3, 1]), batchSize: 1).shape == [3, 1 << 21])
    }

    /// A batch size below 1 is thrown, as `fit` throws it, instead of stopping in `stride`.
    @Test func predictAndAccuracyRefuseABatchBelowOne() throws {
        let model = Dense(2, 3, seed: 1), inputs = Tensor.zeros([4, 2])
        #expect(throws: TensorError.invalidArgument("predict needs batchSize > 0, found 0")) { try model.predict(inputs, batchSize: 0) }
        let data = try Dataset(inputs: inputs, labels: [0, 1, 2, 0])
        #expect(throws: TensorError.invalidArgument("accuracy needs batchSize > 0, found -1")) { try model.accuracy(on: data, batchSize: -1) }
        #expect(try model.predict(inputs, batchSize: 3).shape == [4, 3])
    }

    @Test func linearRegressionRecoversItsCoefficients() throws {
        // y = 3·x₁ − 2·x₂ + 0.5 plus small noise.
        let inputs = Tensor.randomNormal([256, 2], seed: 8)
        let noise = Tensor.randomNormal([256, 1], standardDeviation: 0.01, seed: 9)
        let targets = try matmul(inputs, Tensor(shape: [2, 1], scalars: [3, -2])) + 0.5 + noise
        var model = Dense(2, 1, seed: 10)
        var optimizer = SGD(learningRate: 0.1)
        for _ in 0..<200 {
            let (_, gradients) = try valueWithGradient(of: model) { model in
                try meanSquaredError(predictions: model(inputs), targets: targets)
            }
            optimizer.update(&model, along: gradients)
        }
        #expect(abs(model.weight[0, 0] - 3) < 0.01)
        #expect(abs(model.weight[1, 0] + 2) < 0.01)
        #expect(abs(model.bias!.value[0] - 0.5) < 0.01)
    }

    @Test func gradientClippingBoundsNormAndValues() throws {
        let model = Dense(3, 2, seed: 1)
        let (_, gradients) = try valueWithGradient(of: model) { model in
            try model(Tensor.full([4, 3], 100)).sum()
        }
        #expect(gradients.globalNorm > 5)
        #expect(abs(gradients.clipped(toNorm: 5).globalNorm - 5) < 1e-3)
        let byValue = gradients.clipped(toValue: 2)
        #expect(byValue.entries.allSatisfy { $0.gradient.scalars.allSatisfy { abs($0) <= 2 } })
        #expect(gradients.statistics.map(\.name) == ["weight", "bias"])
        // The weight gradient is Σ over the batch of x = 4·100 per element.
        #expect(gradients.statistics[0].statistics.maximumMagnitude == 400)
    }

    @Test func epochReportsGradientNormsThatShowVanishingThroughSigmoids() throws {
        // Deep sigmoid stack: σ′ ≤ 1/4, so each layer shrinks the gradient on its way back.
        let dataset = try Dataset(inputs: Tensor.randomNormal([256, 16], seed: 3), labels: (0..<256).map { $0 % 4 })
        var model = try Architecture("dense(32, sigmoid) dense(32, sigmoid) dense(32, sigmoid) dense(32, sigmoid) dense(4)")
            .build(inputShape: [16], seed: 4)
        var optimizer = SGD(learningRate: 0.01)
        let summary = try trainEpoch(
            &model, optimizer: &optimizer, on: dataset, batchSize: 32, seed: 1, clipping: .value(1), recordingGradientNorms: true)
        #expect(summary.gradientNorms.map(\.name) == model.namedParameters.map(\.name))
        let biasNorms = summary.gradientNorms.filter { $0.name.hasSuffix("bias") }.map(\.norm)
        #expect(biasNorms.count == 5 && biasNorms.allSatisfy { $0 > 0 })
        #expect(biasNorms[0] * 10 < biasNorms[4], "first-layer bias gradient \(biasNorms[0]) vs last \(biasNorms[4])")
        #expect(try trainEpoch(&model, optimizer: &optimizer, on: dataset, batchSize: 32, seed: 2).gradientNorms.isEmpty)
    }

    @Test func optimizerUpdatesWeightsInPlace() throws {
        // Nothing may still reference a weight's buffer when the optimizer runs (the step's graph
        // must be gone), or copy-on-write would copy every weight matrix on every step.
        let dataset = try Dataset(inputs: Tensor.randomNormal([128, 8], seed: 5), labels: (0..<128).map { $0 % 2 })
        var model = Sequential { Dense(8, 16, activation: .relu, seed: 1); Dense(16, 2, seed: 2) }
        var optimizer = SGD(learningRate: 0.1, momentum: 0.9)
        let buffers = model.namedParameters.map { ObjectIdentifier($0.parameter.value.storage) }
        let before = model.namedParameters.map(\.parameter.value.scalars)  // copies, not shared buffers
        _ = try trainEpoch(&model, optimizer: &optimizer, on: dataset, batchSize: 32, seed: 1)
        #expect(model.namedParameters.map { ObjectIdentifier($0.parameter.value.storage) } == buffers)
        #expect(model.namedParameters.map(\.parameter.value.scalars) != before)
    }

    @Test func clippingRulesBoundTheGradients() throws {
        let model = Dense(3, 2, seed: 1)
        let (_, gradients) = try valueWithGradient(of: model) { model in try model(Tensor.full([4, 3], 100)).sum() }
        #expect(abs(GradientClipping.norm(2).apply(to: gradients).globalNorm - 2) < 1e-4)
        #expect(GradientClipping.value(0.5).apply(to: gradients).entries.allSatisfy { $0.gradient.scalars.allSatisfy { abs($0) <= 0.5 } })
    }

    @Test func divergingTrainingStopsWithAClearError() throws {
        let dataset = try Dataset(inputs: Tensor.randomNormal([256, 8], standardDeviation: 100, seed: 1), labels: (0..<256).map { $0 % 3 })
        var model = Sequential { Dense(8, 16, activation: .relu, seed: 1); Dense(16, 3, seed: 2) }
        var optimizer = SGD(learningRate: 1e6)
        #expect {
            for epoch in 1...5 { _ = try trainEpoch(&model, optimizer: &optimizer, on: dataset, batchSize: 32, seed: UInt64(epoch)) }
        } throws: { error in
            guard case .nonFinite(let message) = error as? TensorError else { return false }
            return message.contains("learning rate")
        }
    }

    @Test func mnistSubsetTrainsAboveAccuracyFloor() throws {
        let mnist = try MNIST.load()
        #expect(mnist.train.count == 60_000 && mnist.test.count == 10_000)
        let train = mnist.train.prefix(6_000), test = mnist.test.prefix(2_000)
        var model = Sequential {
            Dense(784, 64, activation: .relu, seed: 1)
            Dense(64, 10, seed: 2)
        }
        var optimizer = SGD(learningRate: 0.01, momentum: 0.9)
        for epoch in 1...2 {
            for batch in train.batches(size: 64, shuffled: true, seed: UInt64(epoch)) {
                let (_, gradients) = try valueWithGradient(of: model) { model in
                    try crossEntropy(logits: model(batch.inputs), labels: batch.labels)
                }
                optimizer.update(&model, along: gradients)
            }
        }
        let accuracy = try model.accuracy(on: test)
        #expect(accuracy > 0.85, "accuracy \(accuracy) after 2 epochs on 6,000 images (88% when written)")
    }
}
