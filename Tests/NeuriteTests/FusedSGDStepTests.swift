import CNeuriteKernels
import Testing
@testable import Neurite

/// SGD's update applied by the weight gradient's product (`nk_sgemm_sgd`,
/// ``Kernels/FusedSGDStep``): bit for bit the product stored and then ``SGD``'s own kernel, on
/// every path the product can take, and in training.
@Suite("SGD fused into the weight gradient")
struct FusedSGDStepTests {
    /// A dense layer's weight gradient xᵀ·∂z of `inputs`×`outputs` over `samples`, one per path:
    /// the packed micro-kernel with edge tiles in both directions and one K block; three K
    /// blocks (the last tile adds the stored sum of the first two); the packing-free path for
    /// few rows and for few columns (an output layer); the K split of a row or two; the
    /// shape-fixed K split of a small output next to a long K.
    static let shapes: [(inputs: Int, outputs: Int, samples: Int)] = [
        (40, 70, 64), (37, 45, 600), (6, 50, 30), (50, 10, 30), (1, 40, 1100), (20, 100, 1200),
    ]

    /// (momentum, weight decay, Nesterov)
    static let settings: [(Float, Float, Bool)] = [(0, 0, false), (0.9, 0, false), (0.9, 0.01, false), (0.9, 0.01, true)]

    /// How many elements differ in value or count, bit for bit: a short message when they do.
    private func differences(_ a: [Float], _ b: [Float]) -> Int {
        zip(a, b).filter { $0.bitPattern != $1.bitPattern }.count + abs(a.count - b.count)
    }

    private static func values(_ count: Int, seed: UInt64) -> [Float] {
        var generator = RandomGenerator(seed: seed)
        return Tensor.randomNormal([count], using: &generator).scalars
    }

    /// The fused product against the product into memory and then `nk_sgd_update`, on each
    /// family this CPU runs.
    @Test(arguments: ["avx512", "avx2", "portable"])
    func matchesTheProductThenTheUpdate(kernel: String) {
        for (inputs, outputs, samples) in Self.shapes {
            for (momentum, decay, nesterov) in Self.settings {
                var step = nk_sgd_step(learning_rate: 0.05, momentum: momentum, weight_decay: decay, nesterov: nesterov ? 1 : 0)
                let x = Self.values(samples * inputs, seed: 1), dz = Self.values(samples * outputs, seed: 2)
                let count = inputs * outputs
                var expectedWeight = Self.values(count, seed: 3), expectedVelocity = Self.values(count, seed: 4)
                var weight = expectedWeight, velocity = expectedVelocity
                var gradient = [Float](repeating: 0, count: count), scratch = [Float](repeating: .nan, count: count)
                guard nk_sgemm_bias_act_on(kernel, 1, 0, inputs, outputs, samples, 1, x, inputs, dz, outputs, 0,
                                           &gradient, outputs, nil, Int32(NK_ACT_NONE)) != 0 else { return }  // not on this CPU
                let expectedFinite = expectedVelocity.withUnsafeMutableBufferPointer { v in
                    nk_sgd_update(&expectedWeight, gradient, momentum == 0 ? nil : v.baseAddress, count, &step)
                }
                #expect(expectedFinite == 1)
                let finite = velocity.withUnsafeMutableBufferPointer { v in
                    nk_sgemm_sgd_on(kernel, 1, 0, inputs, outputs, samples, x, inputs, dz, outputs, &scratch,
                                    &weight, momentum == 0 ? nil : v.baseAddress, &step)
                }
                let place = "\(kernel) \(inputs)×\(outputs) over \(samples), momentum \(momentum), decay \(decay), Nesterov \(nesterov)"
                #expect(finite == 1, "\(place)")
                #expect(differences(weight, expectedWeight) == 0, "\(place)")
                #expect(differences(velocity, expectedVelocity) == 0, "\(place)")
                #expect(weight != Self.values(count, seed: 3), "\(place): nothing was updated")
            }
        }
    }

    /// One gradient column overflows: every path must say so, and write the same infinities.
    @Test(arguments: ["avx512", "avx2", "portable"])
    func reportsAWeightThatIsNoLongerFinite(kernel: String) {
        for (inputs, outputs, samples) in Self.shapes {
            var step = nk_sgd_step(learning_rate: 0.05, momentum: 0.9, weight_decay: 0, nesterov: 0)
            let x = [Float](repeating: 1, count: samples * inputs)
            var dz = [Float](repeating: 0.5, count: samples * outputs)
            for row in 0..<samples { dz[row * outputs + outputs - 1] = 3e38 }  // the last column's sum overflows
            var weight = [Float](repeating: 0, count: inputs * outputs), velocity = weight, scratch = weight
            let finite = nk_sgemm_sgd_on(kernel, 1, 0, inputs, outputs, samples, x, inputs, dz, outputs, &scratch,
                                         &weight, &velocity, &step)
            guard finite >= 0 else { return }
            #expect(finite == 0, "\(kernel) \(inputs)×\(outputs)")
            #expect(weight[inputs * outputs - 1] == -.infinity && weight[0].isFinite, "\(kernel) \(inputs)×\(outputs)")
        }
    }

    private static func model() -> Sequential {
        Sequential {
            Dense(12, 40, activation: .relu, seed: 1)
            Dense(40, 33, activation: .tanh, seed: 2)
            Dense(33, 3, seed: 3)
        }
    }

    /// `trainEpoch` takes the fused path (nothing reads the gradients); with gradient norms
    /// recorded it cannot, and both must end with the same weights. Batches of 300 cover the
    /// products with more than one K block.
    @Test(arguments: [16, 300])
    func trainingEndsWithTheSameWeightsFusedOrNot(batchSize: Int) throws {
        var generator = RandomGenerator(seed: 9)
        let dataset = try Dataset(inputs: Tensor.randomNormal([600, 12], using: &generator), labels: (0..<600).map { $0 % 3 })
        var fusedModel = Self.model(), plainModel = Self.model()
        var fused = SGD(learningRate: 0.05, momentum: 0.9, weightDecay: 1e-3, nesterov: true), plain = fused
        for epoch in 0..<2 {
            _ = try trainEpoch(&fusedModel, optimizer: &fused, on: dataset, batchSize: batchSize, seed: UInt64(epoch))
            _ = try trainEpoch(&plainModel, optimizer: &plain, on: dataset, batchSize: batchSize, seed: UInt64(epoch),
                               recordingGradientNorms: true)
        }
        for (a, b) in zip(fusedModel.namedParameters, plainModel.namedParameters) {
            #expect(differences(a.parameter.value.scalars, b.parameter.value.scalars) == 0, "\(a.name)")
        }
        #expect(fusedModel.namedParameters[0].parameter.value.scalars != Self.model().namedParameters[0].parameter.value.scalars)
        // The velocities too: the checkpoint state of both optimizers.
        let fusedState = fused.stateTensors(for: fusedModel.namedParameters), plainState = plain.stateTensors(for: plainModel.namedParameters)
        #expect(fusedState.count == 6 && fusedState.keys.sorted() == plainState.keys.sorted())
        for (key, tensor) in fusedState { #expect(differences(tensor.scalars, plainState[key]?.scalars ?? []) == 0, "\(key)") }
    }

    /// Armed steps as the training loop arms them, one backward pass: a weight used once is
    /// updated in the pass and has no gradient entry; a weight used twice keeps its gradient (the
    /// first use's product is not the whole of it); a loss that is not finite applies nothing.
    @Test func appliesOnlyWholeGradientsOfFiniteLosses() throws {
        let layer = Dense(4, 4, seed: 5), input = Tensor.full([2, 4], 0.5)
        let parameters = layer.namedParameters
        var optimizer = SGD(learningRate: 0.1, momentum: 0.9)
        let steps = try #require(optimizer.makeFusedSteps(for: parameters))
        #expect(steps.map { $0 != nil } == [true, false])  // the weight matrix, not the bias

        func pass(_ loss: @escaping (Tensor) throws -> Tensor) throws -> (gradients: Gradients, before: [Float]) {
            let before = layer.weight.scalars
            optimizer.arm(steps, for: parameters)
            let (_, gradients) = try valueWithGradient(of: layer, parameters: parameters, { try loss($0(input)) }, fusedSteps: steps)
            return (gradients, before)
        }
        let once = try pass { $0.sum() }
        #expect(steps[0]!.isApplied && once.gradients.entries.map(\.name) == ["bias"])
        #expect(layer.weight.scalars != once.before)

        let twice = try pass { output in try (output + layer(output)).sum() }
        #expect(!steps[0]!.isApplied && twice.gradients.entries.map(\.name) == ["weight", "bias"])
        #expect(layer.weight.scalars == twice.before)

        let notFinite = try pass { $0.sum() * .infinity }
        #expect(!steps[0]!.isApplied && notFinite.gradients.entries.count == 2)
        #expect(layer.weight.scalars == notFinite.before)
    }
}
