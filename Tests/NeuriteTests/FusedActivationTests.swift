import Testing
@testable import Neurite

/// `Architecture.build` fuses an activation layer that directly follows a conv into the conv.
/// The fused model must be indistinguishable from the one written: same description, same
/// parameter names, same initial weights, and bit-identical outputs and gradients.
@Suite("Fused conv activation")
struct FusedActivationTests {
    /// The model as written, layer by layer, without fusion.
    private static func unfused(_ architecture: Architecture, inputShape: [Int], seed: UInt64) throws -> Sequential {
        var shape = inputShape
        var layers: [any Layer] = []
        for (index, layer) in architecture.layers.enumerated() {
            let (made, output) = try Architecture.builders[layer.name]!(layer, shape, seed &+ UInt64(index) &* 7919)
            layers.append(made)
            shape = output
        }
        return Sequential(layers)
    }

    @Test(arguments: [
        "reshape(1,12,12) conv(3,5,padding:2) relu maxpool(2) conv(4,3) relu flatten dense(5)",
        "reshape(1,12,12) conv(3,3) tanh conv(2,3,stride:2) sigmoid flatten dense(5)",
    ])
    func fusedModelMatchesTheWrittenOneExactly(text: String) throws {
        let architecture = try Architecture(text)
        #expect(architecture.description == (try Architecture(architecture.description)).description)
        let fused = try architecture.build(inputShape: [144], seed: 11)
        let reference = try Self.unfused(architecture, inputShape: [144], seed: 11)
        #expect(fused.layers.count == reference.layers.count)
        #expect(fused.namedParameters.map(\.name) == reference.namedParameters.map(\.name))
        #expect((fused.layers[1] as! Conv2D).activation != .linear)
        #expect(fused.layers[2] as? Activation == .linear)
        for (a, b) in zip(fused.parameters, reference.parameters) { #expect(a.value.scalars == b.value.scalars) }

        let x = Tensor.randomNormal([3, 144], seed: 12)
        let labels = [0, 4, 2]
        let (fusedLoss, fusedGradients) = try valueWithGradient(of: fused) { try crossEntropy(logits: $0(x), labels: labels) }
        let (loss, gradients) = try valueWithGradient(of: reference) { try crossEntropy(logits: $0(x), labels: labels) }
        #expect(fusedLoss.scalars == loss.scalars)
        for (a, b) in zip(fusedGradients.entries, gradients.entries) {
            #expect(a.name == b.name)
            #expect(a.gradient.scalars == b.gradient.scalars, "\(a.name)")
        }
    }

    @Test func convWithItsOwnActivationOrBeforeSoftmaxIsNotFused() throws {
        let model = try Architecture("reshape(1,6,6) conv(2,3,activation:tanh) relu conv(2,3) softmax").build(inputShape: [36], seed: 1)
        #expect((model.layers[1] as! Conv2D).activation == .tanh)
        #expect(model.layers[2] as? Activation == .relu)
        #expect((model.layers[3] as! Conv2D).activation == .linear)
        #expect(model.layers[4] as? Activation == .softmax)
    }
}
