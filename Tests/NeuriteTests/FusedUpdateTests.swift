import Testing
@testable import Neurite

/// The optimizers' fused passes: SGD's C kernel in vectors and in the tail against its rule in
/// Swift, and the finite check each built-in update makes as it writes the weights, which the
/// training loop takes instead of reading every weight again.
@Suite("Fused optimizer updates")
struct FusedUpdateTests {
    /// 84 elements, so that every part of the vectorized loops runs: with AVX-512, 64 go through
    /// its body of four 16-float vectors, 16 through its 8-float remainder and 4 through the
    /// scalar tail (AVX2's body takes 16 or 32 per turn, then the remainder and the tail). The
    /// same numbers, bit for bit, as the rule written out in Swift in PyTorch's order (no fused
    /// multiply-adds).
    @Test(arguments: [(Float(0), false), (0.9, false), (0.9, true)])
    func sgdVectorAndTailMatchTheRule(momentum: Float, nesterov: Bool) {
        let pattern: [Float] = [0.3, -0.8, 1.2, -0.4], repeats = 21
        let parameter = ParameterReference(Tensor(Array((0..<repeats).map { _ in pattern }.joined())))
        let rate: Float = 0.05, decay: Float = 0.01
        var optimizer = SGD(learningRate: rate, momentum: momentum, weightDecay: decay, nesterov: nesterov)
        var w = pattern, v = [Float](repeating: 0, count: pattern.count)
        for _ in 0..<3 {
            let gradient = w.map { 2 * ($0 - 0.25) }
            optimizer.step(parameter, gradient: Tensor(Array((0..<repeats).map { _ in gradient }.joined())))
            for index in w.indices {
                let d = gradient[index] + decay * w[index]
                if momentum == 0 { w[index] -= rate * d; continue }
                v[index] = momentum * v[index] + d
                w[index] -= rate * (nesterov ? d + momentum * v[index] : v[index])
            }
        }
        let values = parameter.value.scalars
        #expect(values.indices.allSatisfy { values[$0] == w[$0 % pattern.count] }, "\(values) vs \(w)")
        #expect(w != pattern)
    }

    /// Large enough to be split across the kernel pool: an infinity in the last range must be seen.
    @Test(arguments: ["SGD", "SGD momentum", "Adam"])
    func updatesMarkTheWeightsFiniteOnlyWhenEveryOneIs(name: String) {
        var optimizer: any Optimizer = switch name {
        case "SGD": SGD(learningRate: 0.1)
        case "SGD momentum": SGD(learningRate: 0.1, momentum: 0.9)
        default: Adam(learningRate: 0.1)
        }
        let count = 70_000
        let parameter = ParameterReference(Tensor.zeros([count]))
        optimizer.step(parameter, gradient: Tensor.full([count], 0.5))
        #expect(parameter.isKnownFinite)
        parameter.value = parameter.value.detached  // any assignment forgets the check
        #expect(!parameter.isKnownFinite)
        var gradient = Tensor.full([count], 0.5)
        gradient[count - 1] = .nan
        optimizer.step(parameter, gradient: gradient)
        #expect(!parameter.isKnownFinite)
        #expect(!parameter.value[count - 1].isFinite && parameter.value[0].isFinite)
    }

    /// A weight that overflows in the update, while the step's loss was finite, stops training
    /// with an error naming it: through the fused check (SGD) and the loop's own pass (RMSProp).
    @Test(arguments: ["SGD", "RMSProp"])
    func aWeightOverflowingInTheUpdateIsReported(name: String) throws {
        let dataset = try Dataset(inputs: Tensor.full([8, 2], 1000), labels: (0..<8).map { $0 % 2 })
        var model = Dense(2, 2, seed: 1)
        var sgd = SGD(learningRate: 3e38, momentum: 0.9), rmsProp = RMSProp(learningRate: 3e38)
        #expect {
            if name == "SGD" {
                _ = try trainEpoch(&model, optimizer: &sgd, on: dataset, batchSize: 8, seed: 1)
            } else {
                _ = try trainEpoch(&model, optimizer: &rmsProp, on: dataset, batchSize: 8, seed: 1)
            }
        } throws: { error in
            guard case .nonFinite(let message) = error as? TensorError else { return false }
            return message.contains("became NaN or infinite in the update at batch 1")
        }
    }
}
