/// Masked sequences: a batch of right-padded sequences run with a ``SequenceMask``.
///
/// ```swift
/// let mask = try SequenceMask(lengths: [5, 3], steps: 5)   // or SequenceMask(maskTensor), [batch, time] 0/1
/// let result = try lstm.unroll(x, mask: mask)             // x: [2, 5, features], padded
/// let loss = try crossEntropy(logits: decoder(result.sequence), labels: targets, mask: mask)
/// ```
extension RecurrentLayer {
    /// Runs the cell over `input` `[batch, time, features]` whose sequences end where `mask`
    /// says: each sequence's state stops changing after its last real step and its outputs there
    /// are zero, so ``RecurrentOutput/state`` is each sequence's own final state and the padding
    /// gets no gradient. The same as ``unroll(_:lengths:from:)`` with the mask's lengths.
    /// - Throws: ``SequenceMaskError/shape(expected:got:)`` when the mask is not `[batch, time]`
    ///   of `input`; what ``unroll(_:lengths:from:)`` throws.
    public func unroll(_ input: Tensor, mask: SequenceMask, from state: RecurrentState? = nil) throws -> RecurrentOutput {
        guard input.rank == 3 else {
            throw TensorError.layerInput(layer: "\(Self.self)(\(inputSize), \(hiddenSize))", expected: "[batch, time, \(inputSize)]", got: input.shape)
        }
        try mask.check(batch: input.shape[0], steps: input.shape[1])
        return try unroll(input, lengths: mask.lengths, from: state)
    }

    /// The layer over `input` with `mask` (see ``unroll(_:mask:from:)``): every step's state,
    /// zero on padding, or each sequence's last real state, according to ``returning``.
    public func callAsFunction(_ input: Tensor, mask: SequenceMask) throws -> Tensor {
        let output = try unroll(input, mask: mask)
        return returning == .sequence ? output.sequence : output.state.hidden
    }
}

/// Softmax cross-entropy over the real steps of a batch of padded sequences only: the mean over
/// those steps, as PyTorch's `cross_entropy` with the padding's targets set to `ignore_index`.
/// Padded steps add nothing to the loss and get zero gradient, whatever their logits and labels.
/// - Parameters:
///   - logits: `[batch, time, classes]` or `[batch·time, classes]`, sequence after sequence.
///   - labels: `batch·time` class indices, in the same order; those on padded steps are ignored.
/// - Throws: ``TensorError`` when the shapes disagree or a real step's label is out of range.
public func crossEntropy(logits: Tensor, labels: [Int], mask: SequenceMask) throws -> Tensor {
    let rows = mask.batch * mask.steps
    guard logits.rank == 3 || logits.rank == 2, logits.shape.dropLast().reduce(1, *) == rows, labels.count == rows else {
        throw TensorError.shapeMismatch(operation: "masked crossEntropy", lhs: logits.shape, rhs: [mask.batch, mask.steps])
    }
    let real = mask.realPositions
    return try crossEntropy(logits: logits.reshaped([rows, logits.shape[logits.rank - 1]]).rows(real), labels: real.map { labels[$0] })
}
