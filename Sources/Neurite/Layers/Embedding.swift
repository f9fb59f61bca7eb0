/// A lookup table from token ids to learned vectors: row i of ``weight`` is token i's vector.
///
/// Equivalent to one-hot inputs times a dense layer without bias, without building the one-hot
/// matrix; the gradient adds each output's gradient into its token's row. The table is
/// `[count, dimension]` under the name `weight` and starts N(0, 1), as PyTorch's `nn.Embedding`.
public struct Embedding: Layer {
    @Parameter public var weight: Tensor

    /// A table of `count` vectors of `dimension` numbers; `seed` makes it reproducible.
    public init(_ count: Int, _ dimension: Int, seed: UInt64? = nil) {
        precondition(count > 0 && dimension > 0, "Embedding needs positive sizes, got \(count)×\(dimension)")
        var generator = RandomGenerator(seed: seed ?? UInt64.random(in: .min ... .max))
        _weight = Parameter(wrappedValue: .randomNormal([count, dimension], using: &generator))
    }

    /// The number of tokens in the table.
    public var count: Int { weight.shape[0] }
    /// The length of each vector.
    public var dimension: Int { weight.shape[1] }

    /// The vectors of `ids`: shape `ids.shape + [dimension]`, e.g. `[batch, time]` token ids
    /// become `[batch, time, dimension]`, ready for a recurrent layer.
    /// - Throws: ``TensorError/invalidArgument(_:)`` when an id is not a whole number in `0..<count`.
    public func callAsFunction(_ ids: Tensor) throws -> Tensor {
        let count = self.count
        let indices = try ids.scalars.map { value -> Int in
            guard value.rounded() == value, value >= 0, value < Float(count) else {
                throw TensorError.invalidArgument("Embedding(\(count), \(dimension)): id \(value) is not a whole number in 0..<\(count)")
            }
            return Int(value)
        }
        return try embedding(indices).reshaped(ids.shape + [dimension])
    }

    /// The vectors of `indices`, `[indices.count, dimension]`.
    /// - Throws: ``TensorError/invalidArgument(_:)`` for an index outside `0..<count`.
    public func embedding(_ indices: [Int]) throws -> Tensor { weight.rows(indices) }
}
