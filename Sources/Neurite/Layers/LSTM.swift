/// Long short-term memory. Gates i, f, g, o (PyTorch's order) from W_ih·x + b_ih + W_hh·h⁻ + b_hh;
/// c = σ(f) ⊙ c⁻ + σ(i) ⊙ tanh(g), h = σ(o) ⊙ tanh(c). The cell state is updated additively, so its
/// gradient through time is scaled by the forget gates rather than by W_hh at every step.
///
/// See ``RecurrentLayer`` for the input layout, the state, lengths and truncated
/// backpropagation through time.
public struct LSTM: RecurrentLayer {
    public static let cell = RecurrentCell.lstm
    @Parameter public var weight_ih: Tensor
    @Parameter public var weight_hh: Tensor
    @Parameter public var bias_ih: Tensor
    @Parameter public var bias_hh: Tensor
    public let returning: RecurrentReturn

    /// A layer reading `inputSize` features per step into a state of `hiddenSize`, initialized
    /// as PyTorch's; `seed` makes the weights reproducible.
    public init(_ inputSize: Int, _ hiddenSize: Int, returning: RecurrentReturn = .sequence, seed: UInt64? = nil) {
        let initial = initialRecurrentParameters(Self.cell, inputSize: inputSize, hiddenSize: hiddenSize, seed: seed)
        _weight_ih = Parameter(wrappedValue: initial[0])
        _weight_hh = Parameter(wrappedValue: initial[1])
        _bias_ih = Parameter(wrappedValue: initial[2])
        _bias_hh = Parameter(wrappedValue: initial[3])
        self.returning = returning
    }
}
