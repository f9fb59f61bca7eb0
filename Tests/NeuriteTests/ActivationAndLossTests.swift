import Foundation
import Testing
@testable import Neurite

@Suite("Activations and losses")
struct ActivationAndLossTests {
    let logits = awayFromZero([4, 5], seed: 11) * 3

    @Test func activationGradients() throws {
        for activation in Activation.allCases {
            try expectGradientsMatchFiniteDifferences(at: [logits]) { try project(activation($0[0])) }
        }
        try expectGradientsMatchFiniteDifferences(at: [logits]) { try project(logSoftmax($0[0])) }
        try expectGradientsMatchFiniteDifferences(at: [logits]) { try project(softmax($0[0], alongAxis: 0)) }
    }

    @Test func activationDerivativesMatchTheirFormulas() throws {
        let z = try Tensor(shape: [4], scalars: [-2, -0.5, 0.5, 2])
        let g = try Activation.sigmoid(z).scalars, t = try Activation.tanh(z).scalars
        #expect(try Activation.sigmoid.derivative(at: z).scalars == g.map { $0 * (1 - $0) })
        #expect(try Activation.tanh.derivative(at: z).scalars == t.map { 1 - $0 * $0 })
        #expect(try Activation.relu.derivative(at: z).scalars == [0, 0, 1, 1])
        #expect(try Activation.linear.derivative(at: z).scalars == [1, 1, 1, 1])
        // The derivative agrees with what autograd propagates.
        for activation in [Activation.sigmoid, .tanh, .relu, .linear] {
            let viaAutograd = try gradient(at: z) { try activation($0).sum() }
            #expect(viaAutograd.scalars == (try activation.derivative(at: z)).scalars)
        }
    }

    @Test func knownValues() throws {
        #expect(sigmoid(Tensor(0)).scalar == 0.5)
        #expect(relu(Tensor([-1, 0, 2])).scalars == [0, 0, 2])
        #expect(abs(tanh(Tensor(1)).scalar - Float(Foundation.tanh(1.0))) < 1e-6)
        let probabilities = softmax(logits)
        for row in 0..<4 {
            let total = (0..<5).reduce(Float(0)) { $0 + probabilities[row, $1] }
            #expect(abs(total - 1) < 1e-6)
        }
        // Large logits must not overflow: softmax is shift-invariant.
        let huge = try softmax(Tensor(shape: [1, 3], scalars: [1000, 1000, 1000]))
        #expect(huge.scalars.allSatisfy { abs($0 - 1.0 / 3) < 1e-6 })
        let saturated = sigmoid(Tensor([-100, 100])).scalars
        #expect(saturated[0] < 1e-30 && saturated[1] == 1)
    }

    /// A saturated tanh is exactly ±1 (as the correctly rounded function is past |x| ≈ 9.01), so
    /// it passes no gradient: an approximation stuck at 1 − 2⁻²² leaked 1 − h² = 4.8e-7 through
    /// every saturated unit, which huge recurrent weights multiplied into a gradient of 1e11.
    @Test func saturatedTanhIsExactlyOneAndPassesNoGradient() throws {
        // 16 values, so the 8- and 16-wide vector paths run and not only a scalar tail.
        let z = Tensor([9.5, 12, 50, 1e8, -9.5, -12, -50, -1e8, 9.1, 20, 80, 3e38, -9.1, -20, -80, -3e38])
        #expect(tanh(z).scalars == z.scalars.map { $0 > 0 ? 1 : -1 })
        #expect(try gradient(at: z) { tanh($0).sum() }.scalars == [Float](repeating: 0, count: 16))

        // The recurrent cell's own tanh: every unit saturated at every step, so nothing flows back
        // to the recurrent weights.
        let rnn = SimpleRNN(1, 16, seed: 1)
        rnn.weight_ih = Tensor.ones([16, 1]) * 1000
        let input = Tensor.ones([2, 5, 1])
        let states = try rnn(input)
        #expect(states.scalars.allSatisfy { $0 == 1 })
        let (_, weightGradients) = try valueWithGradient(of: rnn) { try $0(input).sum() }
        #expect(weightGradients.globalNorm == 0)
    }

    @Test func crossEntropyOfUniformSoftmaxIsLogOfClassCount() throws {
        let loss = try crossEntropy(logits: .zeros([8, 10]), labels: [0, 1, 2, 3, 4, 5, 6, 9])
        #expect(abs(loss.scalar - Float(Foundation.log(10.0))) < 1e-6)
    }

    @Test func lossGradients() throws {
        let labels = [0, 4, 2, 1]
        try expectGradientsMatchFiniteDifferences(at: [logits]) { try crossEntropy(logits: $0[0], labels: labels) }
        let targets = try Tensor.oneHot(labels, classCount: 5)
        try expectGradientsMatchFiniteDifferences(at: [logits]) { try crossEntropy(logits: $0[0], probabilities: targets) }
        let binaryTargets = Kernels.map(awayFromZero([4, 5], seed: 12)) { $0 > 0 ? 1 : 0 }
        try expectGradientsMatchFiniteDifferences(at: [logits]) { try binaryCrossEntropy(logits: $0[0], targets: binaryTargets) }
        try expectGradientsMatchFiniteDifferences(at: [logits]) { try multiLabelCrossEntropy(logits: $0[0], targets: binaryTargets) }
        let probabilities = Kernels.map(logits) { 0.1 + 0.8 * (stableSigmoid($0)) }
        try expectGradientsMatchFiniteDifferences(at: [probabilities], step: 1e-3) {
            try binaryCrossEntropy(probabilities: $0[0], targets: binaryTargets)
        }
        try expectGradientsMatchFiniteDifferences(at: [logits, probabilities]) {
            try meanSquaredError(predictions: $0[0], targets: $0[1])
        }
    }

    @Test func lossesAgreeWithTheirDefinitions() throws {
        // Cross-entropy from logits equals −mean log softmax at the label.
        let labels = [0, 4, 2, 1]
        let logProbabilities = logSoftmax(logits)
        let expected = -labels.enumerated().map { logProbabilities[$0.offset, $0.element] }.reduce(0, +) / 4
        #expect(abs(try crossEntropy(logits: logits, labels: labels).scalar - expected) < 1e-5)
        // BCE from logits equals BCE of the sigmoid's probabilities.
        let targets = Kernels.map(awayFromZero([4, 5], seed: 13)) { $0 > 0 ? 1 : 0 }
        let fromLogits = try binaryCrossEntropy(logits: logits, targets: targets).scalar
        let fromProbabilities = try binaryCrossEntropy(probabilities: sigmoid(logits), targets: targets).scalar
        #expect(abs(fromLogits - fromProbabilities) < 1e-4)
        #expect(try meanSquaredError(predictions: Tensor([1, 2]), targets: Tensor([0, 4])).scalar == 2.5)
    }

    @Test func lossesRejectMismatchedShapes() {
        #expect(throws: TensorError.self) { try crossEntropy(logits: .zeros([2, 3]), labels: [0]) }
        #expect(throws: TensorError.self) { try crossEntropy(logits: .zeros([2, 3]), labels: [0, 3]) }
        #expect(throws: TensorError.self) { try meanSquaredError(predictions: .zeros([2]), targets: .zeros([3])) }
    }
}
