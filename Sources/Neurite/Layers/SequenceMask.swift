/// Which steps of a batch of padded sequences are real: sequence b's first `lengths[b]` steps,
/// the rest is padding. Given as lengths or as a `[batch, time]` tensor of 1s (real) then 0s
/// (padding), the two are one value, so both reach the same code path.
///
/// A recurrent layer run with a mask (``RecurrentLayer/unroll(_:mask:from:)``) stops each
/// sequence's state at its end and outputs zeros past it, as PyTorch's packed sequences do;
/// ``crossEntropy(logits:labels:mask:)`` leaves the padded steps out of the loss. Together the
/// padding changes neither the final states, nor the loss, nor any gradient.
///
/// Only right padding is a mask here (a 1 after a 0 is refused): that is what packed sequences
/// and truncated windows produce, and it keeps the recurrence one loop over steps.
public struct SequenceMask: Sendable, Equatable {
    /// The number of real steps of each sequence, each in `1...steps`.
    public let lengths: [Int]
    /// The padded length, the `time` dimension of the batch.
    public let steps: Int

    /// The mask of sequences of `lengths` padded to `steps`.
    /// - Throws: ``SequenceMaskError/lengthOutOfRange(sequence:length:steps:)`` for a length
    ///   below 1 or above `steps`.
    public init(lengths: [Int], steps: Int) throws {
        guard steps > 0 else { throw SequenceMaskError.shape(expected: "at least one step", got: [lengths.count, steps]) }
        if let bad = lengths.indices.first(where: { !(1...steps).contains(lengths[$0]) }) {
            throw SequenceMaskError.lengthOutOfRange(sequence: bad, length: lengths[bad], steps: steps)
        }
        self.lengths = lengths
        self.steps = steps
    }

    /// The mask of a `[batch, time]` tensor of 0s and 1s, each row 1s then 0s, at least one 1.
    /// - Throws: ``SequenceMaskError`` for another rank, a value other than 0 or 1, a 1 after a 0,
    ///   or a row of zeros.
    public init(_ mask: Tensor) throws {
        guard mask.rank == 2, mask.shape[0] > 0, mask.shape[1] > 0 else {
            throw SequenceMaskError.shape(expected: "[batch, time] with batch, time > 0", got: mask.shape)
        }
        let batch = mask.shape[0], steps = mask.shape[1], values = mask.scalars
        var lengths: [Int] = []
        for b in 0..<batch {
            let row = values[b * steps..<(b + 1) * steps]
            if let t = row.indices.first(where: { row[$0] != 0 && row[$0] != 1 }) {
                throw SequenceMaskError.notBinary(value: row[t], sequence: b, step: t - b * steps)
            }
            let length = row.prefix { $0 == 1 }.count
            if row.dropFirst(length).contains(1) { throw SequenceMaskError.notRightPadded(sequence: b) }
            lengths.append(length)
        }
        try self.init(lengths: lengths, steps: steps)
    }

    /// The number of sequences.
    public var batch: Int { lengths.count }

    /// The `[batch, time]` tensor of 1s (real steps) and 0s (padding).
    public var tensor: Tensor {
        Tensor(shape: [batch, steps], storage: TensorStorage(lengths.flatMap { length in
            (0..<steps).map { $0 < length ? Float(1) : 0 }
        }))
    }

    /// The positions `b·time + t` of the real steps, in order: the rows of a
    /// `[batch·time, …]` tensor of per-step values that count.
    public var realPositions: [Int] {
        lengths.enumerated().flatMap { b, length in (0..<length).map { b * steps + $0 } }
    }

    /// Checks that the mask is for `batch` sequences of `steps`.
    func check(batch: Int, steps: Int) throws {
        guard self.batch == batch, self.steps == steps else {
            throw SequenceMaskError.shape(expected: "[\(batch), \(steps)], the input's batch and time", got: [self.batch, self.steps])
        }
    }
}

/// What is wrong with a ``SequenceMask``.
public enum SequenceMaskError: Error, Equatable, CustomStringConvertible {
    /// The mask's `[batch, time]` does not fit (the input's, or positive sizes).
    case shape(expected: String, got: [Int])
    /// A value other than 0 or 1.
    case notBinary(value: Float, sequence: Int, step: Int)
    /// A real step (1) after padding (0): only right-padded sequences are masks.
    case notRightPadded(sequence: Int)
    /// A length below 1 or above the number of steps.
    case lengthOutOfRange(sequence: Int, length: Int, steps: Int)

    public var description: String {
        switch self {
        case let .shape(expected, got): return "sequence mask: expected \(expected), got \(got)"
        case let .notBinary(value, sequence, step): return "sequence mask: \(value) at [\(sequence), \(step)] is neither 0 nor 1"
        case let .notRightPadded(sequence): return "sequence mask: row \(sequence) has a 1 after a 0; pad sequences on the right"
        case let .lengthOutOfRange(sequence, length, steps):
            return "sequence mask: sequence \(sequence) has length \(length), outside 1...\(steps)"
        }
    }
}
