import Testing
@testable import Neurite

/// One-hot inputs take a lookup instead of the input GEMM (and row sums for ∂W_ih). Checked
/// against the GEMM path on the same numbers: inputs 2·one-hot (not one-hot, so the GEMM runs)
/// with W_ih / 2 give the same gate pre-activations exactly (scaling by 2 is exact), and
/// ∂W_ih twice the lookup path's.
@Suite("Recurrent layers, one-hot inputs")
struct RecurrentOneHotTests {
    static let batch = 3, steps = 5, vocabulary = 6, hiddenSize = 4

    /// Output, final state and parameter gradients of `layer` over `input` (lengths 5, 3, 5).
    static func run(_ layer: any RecurrentLayer, _ input: Tensor) throws -> (output: [Float], gradients: [[Float]]) {
        let projection = Tensor.randomNormal([batch, steps, hiddenSize], seed: 7)
        var output: [Float] = []
        let (_, gradients) = try valueWithGradient(of: layer) { layer in
            let result = try layer.unroll(input, lengths: [5, 3, 5])
            output = result.sequence.scalars + result.state.hidden.scalars
            return (result.sequence * projection).sum() + result.state.hidden.sum()
        }
        return (output, layer.namedParameters.map { gradients[$0.parameter]!.scalars })
    }

    @Test(arguments: RecurrentCell.allCases)
    func lookupMatchesTheProduct(cell: RecurrentCell) throws {
        func layer() -> any RecurrentLayer {
            switch cell {
            case .simple: SimpleRNN(Self.vocabulary, Self.hiddenSize, seed: 3)
            case .lstm: LSTM(Self.vocabulary, Self.hiddenSize, seed: 3)
            case .gru: GRU(Self.vocabulary, Self.hiddenSize, seed: 3)
            }
        }
        let ids = (0..<Self.batch * Self.steps).map { ($0 * 7 + 2) % Self.vocabulary }
        let oneHot = try Tensor.oneHot(ids, classCount: Self.vocabulary).reshaped([Self.batch, Self.steps, Self.vocabulary])
        let lookup = layer(), product = layer()
        product.namedParameters.first { $0.name == "weight_ih" }!.parameter.value = lookup.weight_ih * 0.5
        let expected = try Self.run(product, oneHot * 2), result = try Self.run(lookup, oneHot)
        #expect(relativeDifference(result.output, expected.output) <= 1e-6)
        let names = lookup.namedParameters.map(\.name)
        for (index, name) in names.enumerated() {
            let scale: Float = name == "weight_ih" ? 2 : 1  // ∂(W/2)·(2x) = 2·(∂W·x)
            #expect(relativeDifference(result.gradients[index], expected.gradients[index].map { $0 / scale }) <= 1e-5, "\(cell) ∂\(name)")
        }
    }
}
