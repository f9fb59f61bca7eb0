/// A layer that reads a sequence step by step, carrying a state: ``SimpleRNN``, ``LSTM``, ``GRU``.
///
/// Inputs are batch-first, `[batch, time, features]`. Called as a layer, it returns every
/// step's hidden state `[batch, time, hidden]` or only the last `[batch, hidden]` (its
/// ``returning`` setting). ``unroll(_:lengths:from:)`` gives both, with the final state, and
/// takes sequences shorter than `time` and a state to start from:
///
/// ```swift
/// let lstm = LSTM(64, 128)
/// var state: RecurrentState? = nil
/// for chunk in chunks {                      // truncated backpropagation through time:
///     let result = try lstm.unroll(chunk, from: state)
///     state = result.state.detached          // carry the state, cut the gradient
/// }
/// ```
///
/// Parameters are named and laid out as PyTorch's (`weight_ih` `[gates·hidden, input]`,
/// `weight_hh` `[gates·hidden, hidden]`, `bias_ih`, `bias_hh`, gates in PyTorch's order), so a
/// PyTorch state dict loads as it is, and initialized as PyTorch's: every value uniform in
/// (−1/√hidden, 1/√hidden).
public protocol RecurrentLayer: Layer {
    /// The cell this layer runs.
    static var cell: RecurrentCell { get }
    /// Input-to-gates weights, `[gates·hidden, input]`.
    var weight_ih: Tensor { get }
    /// State-to-gates weights, `[gates·hidden, hidden]`.
    var weight_hh: Tensor { get }
    /// Bias added to the input projection, `[gates·hidden]`.
    var bias_ih: Tensor { get }
    /// Bias added to the recurrent projection, `[gates·hidden]` (for the GRU's n gate it is inside r ⊙ (…)).
    var bias_hh: Tensor { get }
    /// What calling the layer returns.
    var returning: RecurrentReturn { get }
}

/// What a recurrent layer returns when called as a layer.
public enum RecurrentReturn: Sendable {
    /// Every step's hidden state, `[batch, time, hidden]` (to stack layers or predict per step).
    case sequence
    /// The hidden state after the last step, `[batch, hidden]` (to classify a whole sequence).
    case lastState
}

/// The state a recurrent layer carries from step to step.
public struct RecurrentState: Sendable {
    /// h, `[batch, hidden]`.
    public var hidden: Tensor
    /// c, `[batch, hidden]`: the LSTM's cell state; `nil` for the other cells.
    public var cell: Tensor?

    /// A state of `hidden` (and `cell`, for an LSTM).
    public init(hidden: Tensor, cell: Tensor? = nil) {
        self.hidden = hidden
        self.cell = cell
    }

    /// The same numbers, detached from the autograd graph: carried into the next batch, the
    /// state starts the next unroll without the gradient flowing back into the previous one
    /// (truncated backpropagation through time).
    public var detached: RecurrentState { RecurrentState(hidden: hidden.detached, cell: cell?.detached) }
}

/// The result of ``RecurrentLayer/unroll(_:lengths:from:)``.
public struct RecurrentOutput: Sendable {
    /// The hidden state after every step, `[batch, time, hidden]`; zeros after a sequence's end.
    public let sequence: Tensor
    /// The state after each sequence's last step (its own length, for shorter sequences).
    public let state: RecurrentState
}

extension RecurrentLayer {
    /// The number of input features per step.
    public var inputSize: Int { weight_ih.shape[1] }
    /// The size of the hidden state.
    public var hiddenSize: Int { weight_hh.shape[1] }

    /// The layer over `input` `[batch, time, features]`: every step's state or the last one,
    /// according to ``returning``.
    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        let output = try unroll(input)
        return returning == .sequence ? output.sequence : output.state.hidden
    }

    /// Runs the cell over `input` `[batch, time, features]`.
    /// - Parameters:
    ///   - lengths: for each sequence, its number of valid steps (1…time): the state stops
    ///     changing after them and the outputs there are zero. `nil`: all are `time` long.
    ///   - state: the state to start from (`nil`: zeros), e.g. the previous batch's, detached.
    /// - Throws: ``TensorError/layerInput(layer:expected:got:)`` for an input or state of the wrong
    ///   shape, ``SequenceMaskError`` for lengths that do not fit (see ``SequenceMask``).
    public func unroll(_ input: Tensor, lengths: [Int]? = nil, from state: RecurrentState? = nil) throws -> RecurrentOutput {
        let cell = Self.cell, name = "\(Self.self)(\(inputSize), \(hiddenSize))", h = hiddenSize
        guard input.rank == 3, input.shape[0] > 0, input.shape[1] > 0, input.shape[2] == inputSize else {
            throw TensorError.layerInput(layer: name, expected: "[batch, time, \(inputSize)]", got: input.shape)
        }
        let batch = input.shape[0], steps = input.shape[1]
        let lengths = lengths ?? Array(repeating: steps, count: batch)
        try SequenceMask(lengths: lengths, steps: steps).check(batch: batch, steps: steps)  // as a mask's are
        let start = state ?? RecurrentState(hidden: .zeros([batch, h]), cell: cell.hasCellState ? .zeros([batch, h]) : nil)
        for part in [start.hidden] + (cell.hasCellState ? [start.cell ?? .zeros([0])] : []) where part.shape != [batch, h] {
            throw TensorError.layerInput(layer: name, expected: "a state of [\(batch), \(h)]", got: part.shape)
        }
        let packed = recurrence(
            cell, input: input, weightIH: weight_ih, weightHH: weight_hh, biasIH: bias_ih, biasHH: bias_hh,
            initialHidden: start.hidden, initialCell: cell.hasCellState ? start.cell : nil, lengths: lengths)
        let outputs = steps * h
        return RecurrentOutput(
            sequence: packed.columns(0..<outputs).reshaped([batch, steps, h]),
            state: RecurrentState(
                hidden: packed.columns(outputs..<outputs + h),
                cell: cell.hasCellState ? packed.columns(outputs + h..<outputs + 2 * h) : nil))
    }
}

/// PyTorch's initialization of a recurrent layer's four parameters: U(−1/√hidden, 1/√hidden).
func initialRecurrentParameters(_ cell: RecurrentCell, inputSize: Int, hiddenSize: Int, seed: UInt64?) -> [Tensor] {
    precondition(inputSize > 0 && hiddenSize > 0, "recurrent layers need positive sizes, got \(inputSize)→\(hiddenSize)")
    var generator = RandomGenerator(seed: seed ?? UInt64.random(in: .min ... .max))
    let limit = 1 / Float(hiddenSize).squareRoot(), gates = cell.gateCount * hiddenSize
    return [[gates, inputSize], [gates, hiddenSize], [gates], [gates]].map {
        Tensor.randomUniform($0, from: -limit, to: limit, using: &generator)
    }
}
