import Foundation
import Testing
@testable import Neurite

/// Backpropagation through time checked against finite differences of an independent float64
/// SimpleRNN, so the numeric gradient is accurate to ~1e-9 and any disagreement is the
/// analytic gradient's (a Float finite difference over eight steps would be noisier than the
/// errors it should catch).
@Suite("SimpleRNN gradient check")
struct RecurrentGradientCheckTests {
    static let batch = 2, steps = 8, inputSize = 3, hiddenSize = 4
    static let lengths = [8, 5]

    /// Σ over valid steps of projection ⊙ h_t, plus the final state's projection, in float64.
    static func loss(_ values: [[Double]], input: [Double], projection: [Double]) -> Double {
        let (weightIH, weightHH, biasIH, biasHH) = (values[0], values[1], values[2], values[3])
        let h = hiddenSize
        var total = 0.0
        for b in 0..<batch {
            var state = [Double](repeating: 0, count: h)
            for t in 0..<lengths[b] {
                let x = Array(input[(b * steps + t) * inputSize..<(b * steps + t + 1) * inputSize])
                state = (0..<h).map { j in
                    var z = biasIH[j] + biasHH[j]
                    for k in 0..<inputSize { z += weightIH[j * inputSize + k] * x[k] }
                    for k in 0..<h { z += weightHH[j * h + k] * state[k] }
                    return Foundation.tanh(z)
                }
                for j in 0..<h { total += projection[(b * steps + t) * h + j] * state[j] }
            }
            for j in 0..<h { total += projection[(b * steps + steps - 1) * h + j] * 0.5 * state[j] }
        }
        return total
    }

    @Test func backpropagationThroughTimeMatchesFloat64FiniteDifferences() throws {
        let rnn = SimpleRNN(Self.inputSize, Self.hiddenSize, seed: 11)
        // Recurrent weights large enough that the gradient depends strongly on the steps it crosses.
        rnn.weight_hh = Tensor.randomNormal(rnn.weight_hh.shape, standardDeviation: 0.8, seed: 12)
        let x = Tensor.randomNormal([Self.batch, Self.steps, Self.inputSize], seed: 13)
        let projection = Tensor.randomNormal([Self.batch, Self.steps, Self.hiddenSize], seed: 14)
        let parameters = [rnn.weight_ih, rnn.weight_hh, rnn.bias_ih, rnn.bias_hh]
        let (_, gradients) = try valueWithGradient(of: rnn) { rnn in
            let result = try rnn.unroll(x, lengths: Self.lengths)
            // The final state enters the loss as well, with weight ½ on the last step's projection.
            let lastProjection = try Tensor(shape: [Self.batch, Self.hiddenSize], scalars: (0..<Self.batch).flatMap { b in
                (0..<Self.hiddenSize).map { 0.5 * projection[b, Self.steps - 1, $0] }
            })
            return (result.sequence * projection).sum() + (result.state.hidden * lastProjection).sum()
        }
        let values = parameters.map { $0.scalars.map(Double.init) }
        let input = x.scalars.map(Double.init), weights = projection.scalars.map(Double.init)
        let step = 1e-6
        for (which, parameter) in [rnn.$weight_ih, rnn.$weight_hh, rnn.$bias_ih, rnn.$bias_hh].enumerated() {
            let analytic = gradients[parameter]!.scalars
            for index in 0..<values[which].count {
                var plus = values, minus = values
                plus[which][index] += step
                minus[which][index] -= step
                let numeric = (Self.loss(plus, input: input, projection: weights) - Self.loss(minus, input: input, projection: weights)) / (2 * step)
                #expect(abs(Double(analytic[index]) - numeric) <= 1e-4 * max(1, abs(numeric)),
                        "parameter \(which) element \(index): BPTT \(analytic[index]), finite difference \(numeric)")
            }
        }
    }
}
