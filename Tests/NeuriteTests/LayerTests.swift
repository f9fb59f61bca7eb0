import Foundation
import Testing
@testable import Neurite

@Suite("Layers and initializers")
struct LayerTests {
    @Test func denseComputesActivationOfAffineMap() throws {
        let layer = Dense(2, 3, activation: .relu)
        layer.weight = try Tensor(rows: [[1, -1, 2], [0.5, 1, -3]])
        layer.bias!.value = Tensor([0, 1, 0.5])
        let output = try layer(Tensor(shape: [1, 2], scalars: [2, 4]))
        // z = [2·1 + 4·0.5, 2·(−1) + 4·1 + 1, 2·2 − 12 + 0.5] = [4, 3, −7.5] → relu → [4, 3, 0]
        #expect(output.scalars == [4, 3, 0])
        #expect(throws: TensorError.self) { try layer(Tensor.zeros([1, 3])) }
    }

    @Test func denseGradientsMatchFiniteDifferences() throws {
        for activation in Activation.allCases {
            let layer = Dense(3, 4, activation: activation, seed: 5)
            let x = awayFromZero([2, 3], seed: 6)
            let weight = layer.weight, bias = layer.bias!.value
            try expectGradientsMatchFiniteDifferences(at: [x, weight, bias]) { inputs in
                layer.weight = inputs[1]
                layer.bias!.value = inputs[2]
                return try project(layer(inputs[0]))
            }
        }
    }

    @Test func parametersAreDiscoveredByReflection() throws {
        struct Block: Layer {
            var first = Dense(4, 3, seed: 1)
            var heads = [Dense(3, 2, seed: 2), Dense(3, 1, useBias: false, seed: 3)]
            @Parameter var gate = Tensor.ones([3])
            func callAsFunction(_ input: Tensor) throws -> Tensor { try first(input) * gate }
        }
        let model = Sequential { Block(); Activation.relu }
        let names = model.namedParameters.map(\.name)
        #expect(names == [
            "layers.0.first.weight", "layers.0.first.bias", "layers.0.heads.0.weight", "layers.0.heads.0.bias",
            "layers.0.heads.1.weight", "layers.0.gate",
        ])
        #expect(model.parameterCount == 4 * 3 + 3 + 3 * 2 + 2 + 3 + 3)
    }

    @Test func heInitializationHasTheRightSpread() {
        var generator = RandomGenerator(seed: 2024)
        let weights = Initializer.he.make([512, 512], fanIn: 512, fanOut: 512, using: &generator)
        let expected = Float((2.0 / 512).squareRoot())
        let statistics = TensorStatistics(weights)
        #expect(abs(statistics.standardDeviation - expected) / expected < 0.05)
        #expect(abs(statistics.mean) < 0.005)
        let uniform = Initializer.heUniform.make([512, 512], fanIn: 512, fanOut: 512, using: &generator)
        #expect(abs(TensorStatistics(uniform).standardDeviation - expected) / expected < 0.05)
        let xavier = Initializer.xavierNormal.make([256, 512], fanIn: 256, fanOut: 512, using: &generator)
        let xavierExpected = Float((2.0 / 768).squareRoot())
        #expect(abs(TensorStatistics(xavier).standardDeviation - xavierExpected) / xavierExpected < 0.05)
        let small = Initializer.smallRandom.make([512, 512], fanIn: 512, fanOut: 512, using: &generator)
        #expect(abs(TensorStatistics(small).standardDeviation - 0.01) < 0.0005)
        #expect(Initializer.zeros.make([3, 3], fanIn: 3, fanOut: 3, using: &generator).scalars.allSatisfy { $0 == 0 })
    }

    @Test func zeroInitializationLeavesUnitsSymmetric() throws {
        // With all weights equal, every hidden unit gets the same gradient and stays a copy of
        // the others: the network never uses more than one hidden unit.
        let model = Sequential {
            Dense(2, 4, activation: .tanh, initializer: .constant(0.1))
            Dense(4, 1, initializer: .constant(0.1))
        }
        let x = try Tensor(rows: [[0, 1], [1, 0], [1, 1], [0, 0]])
        var optimizer = SGD(learningRate: 0.5)
        for _ in 0..<50 {
            let (_, gradients) = try valueWithGradient(of: model) { model in
                try meanSquaredError(predictions: model(x), targets: Tensor(shape: [4, 1], scalars: [1, 1, 0, 0]))
            }
            var mutableModel = model
            optimizer.update(&mutableModel, along: gradients)
        }
        let hidden = (model.layers[0] as! Dense).weight
        for column in 1..<4 {
            #expect(hidden[0, column] == hidden[0, 0])
            #expect(hidden[1, column] == hidden[1, 0])
        }
    }
}
