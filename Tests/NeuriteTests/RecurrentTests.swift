import Testing
@testable import Neurite

@Suite("Recurrent layers")
struct RecurrentTests {
    static let names = ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]

    /// The short sequence given as lengths, or as the `[batch, time]` 0/1 mask of them.
    @Test(arguments: ["rnn", "lstm", "gru"], [false, true])
    func forwardAndAllGradientsMatchPyTorch(cell: String, masked: Bool) throws {
        let reference = RecurrentFixtures.shared.recurrent.first { $0.cell == cell }!
        let b = reference.batch, h = reference.hiddenSize
        let layer: any RecurrentLayer = switch cell {
        case "rnn": SimpleRNN(reference.inputSize, h, seed: 1)
        case "lstm": LSTM(reference.inputSize, h, seed: 1)
        default: GRU(reference.inputSize, h, seed: 1)
        }
        let references = Dictionary(uniqueKeysWithValues: layer.namedParameters.map { ($0.name, $0.parameter) })
        #expect(Set(references.keys) == Set(Self.names))
        let parameters = try Self.names.map { name in
            try Tensor(shape: references[name]!.value.shape, scalars: reference.parameters[name]!)
        }
        let x = try Tensor(shape: [b, reference.steps, reference.inputSize], scalars: reference.input)
        let h0 = try Tensor(shape: [b, h], scalars: reference.initialHidden)
        let c0 = try reference.initialCell.map { try Tensor(shape: [b, h], scalars: $0) }
        var output: RecurrentOutput?
        let (loss, gradients) = try valueWithGradient(at: [x, h0] + parameters + (c0.map { [$0] } ?? [])) { inputs in
            for (index, name) in Self.names.enumerated() { references[name]!.value = inputs[2 + index] }
            let start = RecurrentState(hidden: inputs[1], cell: c0 == nil ? nil : inputs[6])
            let result = try masked
                ? layer.unroll(inputs[0], mask: SequenceMask(Tensor(shape: [b, reference.steps], scalars: reference.mask)), from: start)
                : layer.unroll(inputs[0], lengths: reference.lengths, from: start)
            output = result
            var total = try (result.sequence * Tensor(shape: result.sequence.shape, scalars: reference.outputProjection)).sum()
            total = try total + (result.state.hidden * Tensor(shape: [b, h], scalars: reference.hiddenProjection)).sum()
            if let cellState = result.state.cell {
                total = try total + (cellState * Tensor(shape: [b, h], scalars: reference.cellProjection!)).sum()
            }
            return total
        }
        let tolerance: Float = 1e-4
        #expect(abs(loss.scalar - reference.loss) <= tolerance * abs(reference.loss), "\(cell) loss")
        #expect(relativeDifference(output!.sequence.scalars, reference.output) <= tolerance, "\(cell) output")
        #expect(relativeDifference(output!.state.hidden.scalars, reference.finalHidden) <= tolerance, "\(cell) final h")
        if let finalCell = reference.finalCell {
            #expect(relativeDifference(output!.state.cell!.scalars, finalCell) <= tolerance, "\(cell) final c")
            #expect(relativeDifference(gradients[6].scalars, reference.initialCellGradient!) <= tolerance, "\(cell) ∂c0")
        }
        // The short sequence's outputs past its end are zero, as in PyTorch's padded output.
        #expect(output!.sequence[1, 4, 0] == 0)
        #expect(relativeDifference(gradients[0].scalars, reference.inputGradient) <= tolerance, "\(cell) ∂input")
        #expect(relativeDifference(gradients[1].scalars, reference.initialHiddenGradient) <= tolerance, "\(cell) ∂h0")
        for (index, name) in Self.names.enumerated() {
            #expect(relativeDifference(gradients[2 + index].scalars, reference.parameterGradients[name]!) <= tolerance, "\(cell) ∂\(name)")
        }
    }

    @Test func embeddingMatchesPyTorch() throws {
        let reference = RecurrentFixtures.shared.embedding
        let table = Embedding(6, 3, seed: 1)
        let ids = try Tensor(shape: reference.idsShape, scalars: reference.ids)
        let weight = try Tensor(shape: [6, 3], scalars: reference.weight)
        let (_, gradients) = try valueWithGradient(at: [weight]) { inputs in
            table.weight = inputs[0]
            let output = try table(ids)
            #expect(output.shape == reference.idsShape + [3])
            #expect(relativeDifference(output.scalars, reference.output) <= 1e-6)
            return try (output * Tensor(shape: output.shape, scalars: reference.projection)).sum()
        }
        // Token 1 appears three times and 4 twice: their rows collect every use's gradient.
        #expect(relativeDifference(gradients[0].scalars, reference.weightGradient) <= 1e-5)
    }

    @Test func badInputsThrow() throws {
        let lstm = LSTM(3, 2, seed: 1)
        #expect(throws: TensorError.self) { try lstm(Tensor.zeros([2, 3])) }
        #expect(throws: TensorError.self) { try lstm(Tensor.zeros([2, 4, 5])) }
        #expect(throws: SequenceMaskError.lengthOutOfRange(sequence: 1, length: 0, steps: 4)) { try lstm.unroll(Tensor.zeros([2, 4, 3]), lengths: [4, 0]) }
        #expect(throws: SequenceMaskError.lengthOutOfRange(sequence: 0, length: 5, steps: 4)) { try lstm.unroll(Tensor.zeros([2, 4, 3]), lengths: [5, 1]) }
        #expect(throws: TensorError.self) { try lstm.unroll(Tensor.zeros([2, 4, 3]), from: RecurrentState(hidden: .zeros([2, 2]))) }
        #expect(throws: TensorError.self) { try Embedding(4, 2, seed: 1)(Tensor([1, 4])) }
        #expect(throws: TensorError.self) { try Embedding(4, 2, seed: 1)(Tensor([0.5])) }
    }

    @Test func lastStateIsTheFinalHiddenStateAndPyTorchInitializationIsBounded() throws {
        let gru = GRU(3, 4, returning: .lastState, seed: 2)
        let x = Tensor.randomNormal([2, 6, 3], seed: 3)
        #expect(try gru(x) == gru.unroll(x).state.hidden)
        #expect(try gru(x).shape == [2, 4])
        // U(−1/√4, 1/√4) = U(−0.5, 0.5) for every parameter.
        for (_, parameter) in gru.namedParameters {
            #expect(parameter.value.scalars.allSatisfy { abs($0) <= 0.5 })
            #expect(parameter.value.scalars.contains { abs($0) > 0.4 })
        }
    }

    @Test func carryingTheStateEqualsOneLongUnroll() throws {
        // Truncated BPTT's forward: two halves with the state carried give the same outputs.
        let lstm = LSTM(2, 3, seed: 4)
        let x = Tensor.randomNormal([2, 6, 2], seed: 5)
        let whole = try lstm.unroll(x)
        let first = try lstm.unroll(Tensor(shape: [2, 3, 2], scalars: (0..<2).flatMap { Array(x.scalars[$0 * 12..<$0 * 12 + 6]) }))
        let second = try lstm.unroll(
            Tensor(shape: [2, 3, 2], scalars: (0..<2).flatMap { Array(x.scalars[$0 * 12 + 6..<$0 * 12 + 12]) }), from: first.state.detached)
        #expect(largestDifference(second.state.hidden.scalars, whole.state.hidden.scalars) < 1e-6)
        #expect(largestDifference(second.state.cell!.scalars, whole.state.cell!.scalars) < 1e-6)
    }
}
