import Testing
@testable import Neurite

@Suite("Sequence masks")
struct SequenceMaskTests {
    /// Embedding → LSTM → Dense with cross-entropy over the real steps, against PyTorch's packed
    /// sequences and `ignore_index`: the padded steps' ids and targets are random, and change
    /// neither the loss, nor the final states, nor any of the seven gradients.
    @Test func maskedModelMatchesPyTorch() throws {
        let reference = RecurrentFixtures.shared.maskedModel
        let b = reference.batch, t = reference.steps, h = reference.hiddenSize
        let embedding = Embedding(reference.vocabulary, reference.dimension, seed: 1)
        let lstm = LSTM(reference.dimension, h, seed: 1)
        let decoder = Dense(h, reference.vocabulary, seed: 1)
        let parameters = embedding.namedParameters.map { ("embedding." + $0.name, $0.parameter) }
            + lstm.namedParameters.map { ("recurrent." + $0.name, $0.parameter) }
            + decoder.namedParameters.map { ("decoder." + $0.name, $0.parameter) }
        #expect(Set(parameters.map(\.0)) == Set(reference.parameters.keys))
        let values = try parameters.map { try Tensor(shape: $0.1.value.shape, scalars: reference.parameters[$0.0]!) }
        let mask = try SequenceMask(Tensor(shape: [b, t], scalars: reference.mask))
        #expect(mask.lengths == [5, 2, 4])
        var logits = Tensor(0), state: RecurrentState?
        let (loss, gradients) = try valueWithGradient(at: values) { inputs in
            for (index, parameter) in parameters.enumerated() { parameter.1.value = inputs[index] }
            let result = try lstm.unroll(embedding(Tensor(shape: [b, t], scalars: reference.ids)), mask: mask)
            (logits, state) = (try decoder(result.sequence), result.state)
            return try crossEntropy(logits: logits, labels: reference.targets, mask: mask)
        }
        #expect(abs(loss.scalar - reference.loss) <= 1e-4 * reference.loss)
        #expect(relativeDifference(logits.scalars, reference.logits) <= 1e-4)
        #expect(relativeDifference(state!.hidden.scalars, reference.finalHidden) <= 1e-4)
        #expect(relativeDifference(state!.cell!.scalars, reference.finalCell) <= 1e-4)
        for (index, parameter) in parameters.enumerated() {
            #expect(relativeDifference(gradients[index].scalars, reference.parameterGradients[parameter.0]!) <= 1e-4, "∂\(parameter.0)")
        }
    }

    @Test func lengthsAndMaskTensorsAreOneValue() throws {
        let mask = try SequenceMask(lengths: [3, 1], steps: 3)
        #expect(mask.tensor.scalars == [1, 1, 1, 1, 0, 0])
        #expect(try SequenceMask(mask.tensor) == mask)
        #expect(mask.realPositions == [0, 1, 2, 3])
    }

    @Test func badMasksThrowTypedErrors() throws {
        let gru = GRU(2, 2, seed: 1), x = Tensor.zeros([2, 3, 2])
        #expect(throws: SequenceMaskError.self) { try SequenceMask(Tensor([1, 1, 0])) }
        #expect(throws: SequenceMaskError.notBinary(value: 0.5, sequence: 1, step: 0)) {
            try SequenceMask(Tensor(shape: [2, 2], scalars: [1, 0, 0.5, 0]))
        }
        #expect(throws: SequenceMaskError.notRightPadded(sequence: 0)) { try SequenceMask(Tensor(shape: [1, 3], scalars: [1, 0, 1])) }
        #expect(throws: SequenceMaskError.lengthOutOfRange(sequence: 1, length: 0, steps: 2)) {
            try SequenceMask(Tensor(shape: [2, 2], scalars: [1, 1, 0, 0]))
        }
        #expect(throws: SequenceMaskError.self) { try SequenceMask(Tensor(shape: [1, 2], scalars: [1, .nan])) }
        #expect(throws: SequenceMaskError.lengthOutOfRange(sequence: 0, length: 4, steps: 3)) { try SequenceMask(lengths: [4], steps: 3) }
        #expect(throws: SequenceMaskError.self) { try gru.unroll(x, mask: SequenceMask(lengths: [2, 2], steps: 2)) }
        #expect(throws: SequenceMaskError.self) { try gru.unroll(x, mask: SequenceMask(lengths: [2], steps: 3)) }
        #expect(throws: SequenceMaskError.self) { try gru.unroll(x, lengths: [3]) }
        #expect(throws: TensorError.self) {
            try crossEntropy(logits: .zeros([5, 4]), labels: [0, 0, 0, 0, 0, 0], mask: SequenceMask(lengths: [3, 1], steps: 3))
        }
    }
}
