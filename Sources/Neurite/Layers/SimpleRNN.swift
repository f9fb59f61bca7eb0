/// The vanilla recurrent network, h_t = tanh(W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh): the notes'
/// a⟨t⟩ = tanh(Waa·a⟨t−1⟩ + Wax·x⟨t⟩ + b). Its gradient through time is a product of one
/// W_hhᵀ·diag(tanh′) factor per step, which is why it explodes (or vanishes) on long sequences.
///
/// See ``RecurrentLayer`` for the input layout, the state, lengths and truncated
/// backpropagation through time.
public struct SimpleRNN: RecurrentLayer {
    public static let cell = RecurrentCell.simple
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
