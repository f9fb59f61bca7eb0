import Testing
@testable import Neurite

/// Exploding gradients where they really happen: a vanilla RNN over 100 steps whose recurrent
/// weights are large (N(0, 2²/hidden): the chaotic regime of a random tanh network, where
/// perturbations grow from step to step, and so do gradients going back through the steps).
@Suite("Exploding gradients")
struct ExplodingGradientTests {
    static let steps = 100, batch = 8, hidden = 32, vocabulary = 8

    /// Next-symbol prediction on the sequence 0, 3, 6, 1, 4, 7, … (i·3 mod 8), one-hot inputs,
    /// from eight different offsets.
    static func data() throws -> (inputs: Tensor, labels: [Int]) {
        let offsets = [0, 5, 11, 2, 17, 8, 23, 14]
        let ids = offsets.map { offset in (0...steps).map { (offset + $0) * 3 % vocabulary } }
        let inputs = try Tensor.oneHot(ids.flatMap { $0.dropLast() }, classCount: vocabulary).reshaped([batch, steps, vocabulary])
        return (inputs, ids.flatMap { $0.dropFirst() })
    }

    struct Model: Layer {
        let rnn: SimpleRNN
        let decoder: Dense

        init() {
            rnn = SimpleRNN(ExplodingGradientTests.vocabulary, ExplodingGradientTests.hidden, seed: 1)
            rnn.weight_hh = Tensor.randomNormal(
                [ExplodingGradientTests.hidden, ExplodingGradientTests.hidden],
                standardDeviation: 2 / Float(ExplodingGradientTests.hidden).squareRoot(), seed: 2)
            decoder = Dense(ExplodingGradientTests.hidden, ExplodingGradientTests.vocabulary, seed: 3)
        }

        func callAsFunction(_ input: Tensor) throws -> Tensor {
            try decoder(rnn(input)).reshaped([-1, ExplodingGradientTests.vocabulary])
        }
    }

    /// Losses of `count` SGD steps and the gradient norm of the first, before clipping.
    static func train(count: Int, clipping: GradientClipping?) throws -> (losses: [Float], firstNorm: Float, clippedNorm: Float) {
        let (inputs, labels) = try data()
        var model = Model()
        var optimizer = SGD(learningRate: 0.5)
        var losses: [Float] = [], firstNorm: Float = 0, clippedNorm: Float = 0
        for step in 0..<count {
            let (loss, gradients) = try valueWithGradient(of: model) { try crossEntropy(logits: $0(inputs), labels: labels) }
            let clipped = clipping?.apply(to: gradients) ?? gradients
            if step == 0 { (firstNorm, clippedNorm) = (gradients.globalNorm, clipped.globalNorm) }
            losses.append(loss.scalar)
            optimizer.update(&model, along: clipped)
        }
        return (losses, firstNorm, clippedNorm)
    }

    @Test func gradientNormExplodesWithoutClippingAndClippingByNormTrainsBetter() throws {
        let unclipped = try Self.train(count: 40, clipping: nil)
        let clipped = try Self.train(count: 40, clipping: .norm(1))
        // Measured: a first gradient norm of 8.4e4; after 40 steps a loss of about 1 unclipped (the
        // first step throws the weights into saturation, and it crawls out), 0.05–0.08 clipped to
        // norm 1 (thresholds 0.999, 1, 1.001). Clipped to norm 5, steps of up to 2.5 at this rate
        // still bounce around this chaotic network, and where they end depends on rounding:
        // thresholds 4.99, 5 and 5.001 ended at 0.48, 2.08 and 0.47.
        #expect(unclipped.firstNorm > 1e3)
        #expect(clipped.clippedNorm <= 1 + 1e-5)
        #expect(clipped.losses.last! < unclipped.losses.last!)
        #expect(clipped.losses.last! < 0.5 * clipped.losses.first!)
    }
}
