/// Gated recurrent unit. Gates r, z, n (PyTorch's order): r = σ(W_ir·x + b_ir + W_hr·h⁻ + b_hr), z
/// likewise, n = tanh(W_in·x + b_in + r ⊙ (W_hn·h⁻ + b_hn)), h = (1 − z) ⊙ n + z ⊙ h⁻. The reset gate
/// scales W_hn·h⁻ + b_hn, its bias included, as PyTorch's does (not W_hn·(r ⊙ h⁻)).
///
/// See ``RecurrentLayer`` for the input layout, the state, lengths and truncated
/// backpropagation through time.
public struct GRU: RecurrentLayer {
    public static let cell = RecurrentCell.gru
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
