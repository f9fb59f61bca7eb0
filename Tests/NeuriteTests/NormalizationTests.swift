import Foundation
import Testing
@testable import Neurite

@Suite("Batch normalisation, dropout and the training/evaluation mode")
struct NormalizationTests {
    @Test func batchNormMatchesIndependentNumPyReference() throws {
        for case_ in ConvolutionFixtures.shared.batchNorms {
            let layer = BatchNorm(case_.inputShape[1], epsilon: case_.epsilon)
            layer.gamma = Tensor(case_.gamma)
            layer.beta = Tensor(case_.beta)
            let output = try layer(Tensor(shape: case_.inputShape, scalars: case_.input))
            #expect(largestDifference(output.scalars, case_.output) < 1e-5, "\(case_.inputShape)")
        }
    }

    @Test func batchNormGradientsMatchFiniteDifferencesInTrainingMode() throws {
        for shape in [[5, 3], [2, 3, 2, 3]] {
            let layer = BatchNorm(3)
            let x = awayFromZero(shape, seed: 12), gamma = awayFromZero([3], seed: 13), beta = awayFromZero([3], seed: 14)
            try expectGradientsMatchFiniteDifferences(at: [x, gamma, beta]) { inputs in
                layer.gamma = inputs[1]
                layer.beta = inputs[2]
                return try project(layer(inputs[0]))
            }
        }
    }

    @Test func batchNormKeepsRunningStatisticsAndUsesThemInEvaluation() throws {
        let layer = BatchNorm(2, momentum: 0.5)
        // Feature 0: 1, 3 (mean 2, unbiased variance 2); feature 1: 4, 8 (mean 6, variance 8).
        let x = try Tensor(rows: [[1, 4], [3, 8]])
        let trained = try layer(x)
        #expect(trained.scalars.map { ($0 * 1000).rounded() / 1000 } == [-1, -1, 1, 1])
        #expect(layer.runningMean.value.scalars == [1, 3])  // 0.5·0 + 0.5·mean
        #expect(layer.runningVariance.value.scalars == [1.5, 4.5])  // 0.5·1 + 0.5·variance
        layer.setMode(.evaluation)
        let evaluated = try layer(try Tensor(rows: [[1, 3]]))
        #expect(abs(evaluated.scalars[0]) < 1e-5 && abs(evaluated.scalars[1]) < 1e-5)
        #expect(layer.runningMean.value.scalars == [1, 3])  // evaluation leaves them alone
        // Evaluation mode is still differentiable, through the fixed statistics.
        let frozen = BatchNorm(3)
        frozen.setMode(.evaluation)
        frozen.runningMean.value = Tensor([0.5, -1, 2])
        frozen.runningVariance.value = Tensor([2, 0.5, 1])
        try expectGradientsMatchFiniteDifferences(at: [awayFromZero([4, 3], seed: 15), awayFromZero([3], seed: 16)]) { inputs in
            frozen.gamma = inputs[1]
            return try project(frozen(inputs[0]))
        }
    }

    @Test func runningStatisticsAreSavedAndLoadedButNotTrained() throws {
        let model = Sequential { Dense(3, 2, seed: 1); BatchNorm(2) }
        let names = model.namedParameters.map(\.name)
        #expect(names == ["layers.0.weight", "layers.0.bias", "layers.1.gamma", "layers.1.beta", "layers.1.runningMean", "layers.1.runningVariance"])
        #expect(model.parameters.count == 4)
        _ = try model(Tensor.randomNormal([8, 3], seed: 2))
        let norm = model.layers[1] as! BatchNorm
        let (mean, variance) = (norm.runningMean.value, norm.runningVariance.value)
        #expect(mean.scalars != [0, 0])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-batchnorm-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(to: url)
        let restored = Sequential { Dense(3, 2, seed: 9); BatchNorm(2) }
        try restored.load(from: url)
        let restoredNorm = restored.layers[1] as! BatchNorm
        #expect(restoredNorm.runningMean.value == mean)
        #expect(restoredNorm.runningVariance.value == variance)
        let probe = Tensor.randomNormal([4, 3], seed: 3)
        #expect(try model.predict(probe) == restored.predict(probe))
    }

    @Test func dropoutZeroesAndRescalesInTrainingAndIsIdentityInEvaluation() throws {
        let dropout = Dropout(0.25, seed: 3)
        let x = Tensor.ones([4000])
        let dropped = try dropout(x).scalars
        #expect(Set(dropped) == [0, Float(1) / 0.75])
        let droppedFraction = Double(dropped.filter { $0 == 0 }.count) / 4000
        #expect(abs(droppedFraction - 0.25) < 0.03)
        dropout.setMode(.evaluation)
        #expect(try dropout(x) == x)
        dropout.setMode(.training)
        #expect(try withLayerMode(.evaluation) { try dropout(x) } == x)
    }

    @Test func dropoutGradientFollowsItsMask() throws {
        let x = awayFromZero([3, 5], seed: 17)
        // A fresh layer with the same seed per call draws the same mask every time.
        try expectGradientsMatchFiniteDifferences(at: [x]) { try project(Dropout(0.5, seed: 21)($0[0])) }
        let mask = try Dropout(0.5, seed: 21)(Tensor.ones([3, 5]))
        let gradient = try gradient(at: x) { try Dropout(0.5, seed: 21)($0).sum() }
        #expect(gradient == mask)
    }

    @Test func setModeReachesNestedLayersAndPredictEvaluatesWithoutIt() throws {
        struct Block: Layer {
            var inner = [Dropout(0.5, seed: 1)]
            var norm: BatchNorm? = BatchNorm(4)
            func callAsFunction(_ input: Tensor) throws -> Tensor { try norm!(inner[0](input)) }
        }
        let model = Sequential { Dense(4, 4, seed: 2); Block() }
        #expect(model.modeSwitches.count == 2)
        model.setMode(.evaluation)
        #expect(model.modeSwitches.allSatisfy { $0.mode == .evaluation })
        model.setMode(.training)
        let x = Tensor.randomNormal([6, 4], seed: 5)
        // predict runs in evaluation mode although the model is in training mode: deterministic,
        // and the same as after an explicit switch.
        let first = try model.predict(x), second = try model.predict(x)
        #expect(first == second)
        model.setMode(.evaluation)
        #expect(try model(x) == first)
        #expect(model.modeSwitches.allSatisfy { $0.mode == .evaluation })
    }
}
