extension Architecture {
    /// Builders of sequence layers:
    ///
    ///     embedding(vocabulary, dimension)
    ///     rnn(hidden[, return: sequence|last])   lstm(hidden[, return: …])   gru(hidden[, return: …])
    ///
    /// `embedding` takes samples of `[time]` token ids and gives `[time, dimension]`; the
    /// recurrent layers take `[time, features]` and give every step's state `[time, hidden]`
    /// (`return: sequence`, the default, as ``RecurrentReturn/sequence``) or the last one,
    /// `[hidden]` (`return: last`). A `dense` after a sequence applies to every step, so
    /// `embedding(64, 16) lstm(128) dense(64)` is a character language model's logits per step,
    /// and `embedding(64, 16) gru(32, return: last) dense(2)` classifies whole sequences.
    static let recurrentBuilders: [String: Builder] = [
        "embedding": { layer, input, seed in
            guard input.count == 1 else {
                throw ArchitectureError.invalidArgument("embedding", "needs samples of [time] token ids, got \(input)")
            }
            let vocabulary = try layer.integer(0, named: "vocabulary"), dimension = try layer.integer(1, named: "dimension")
            guard vocabulary > 0, dimension > 0 else { throw ArchitectureError.invalidArgument("embedding", "vocabulary and dimension must be positive") }
            return (Embedding(vocabulary, dimension, seed: seed), [input[0], dimension])
        },
        "rnn": { try recurrent($0, $1, $2) { SimpleRNN($0, $1, returning: $2, seed: $3) } },
        "lstm": { try recurrent($0, $1, $2) { LSTM($0, $1, returning: $2, seed: $3) } },
        "gru": { try recurrent($0, $1, $2) { GRU($0, $1, returning: $2, seed: $3) } },
    ]

    /// The weight count of a sequence layer, `nil` for other layers: for the checks of
    /// ``checkParameters(of:input:total:)`` before it is allocated.
    static func recurrentWeightShape(of layer: LayerSpecification, input: [Int]) throws -> [Int]? {
        switch layer.name {
        case "embedding" where input.count == 1:
            return [try layer.integer(0, named: "vocabulary"), try layer.integer(1, named: "dimension")]
        case "rnn", "lstm", "gru":
            guard input.count == 2, let cell = RecurrentCell(rawValue: layer.name) else { return nil }
            // weight_ih and weight_hh: gates·hidden rows of input + hidden columns, both ≤ 2³¹.
            let hidden = try layer.integer(0, named: "hidden")
            return [cell.gateCount, hidden, input[1] + hidden]
        default:
            return nil
        }
    }

    /// The recurrent layer of `layer` for `input` samples, made by `make(input, hidden, returning, seed)`.
    private static func recurrent(
        _ layer: LayerSpecification, _ input: [Int], _ seed: UInt64,
        _ make: (Int, Int, RecurrentReturn, UInt64) -> any RecurrentLayer
    ) throws -> (any Layer, [Int]) {
        guard input.count == 2 else {
            throw ArchitectureError.invalidArgument(
                layer.name, "needs samples of [time, features], got \(input); put embedding(vocabulary, dimension) before it for token ids")
        }
        let hidden = try layer.integer(0, named: "hidden")
        guard hidden > 0 else { throw ArchitectureError.invalidArgument(layer.name, "needs at least one hidden unit") }
        let returning: RecurrentReturn
        switch (layer.arguments.count > 1 ? layer.arguments[1] : layer.options["return"])?.lowercased() {
        case nil, "sequence": returning = .sequence
        case "last": returning = .lastState
        case let word?: throw ArchitectureError.invalidArgument(layer.name, "return '\(word)' is neither sequence nor last")
        }
        return (make(input[1], hidden, returning, seed), returning == .sequence ? [input[0], hidden] : [hidden])
    }
}
