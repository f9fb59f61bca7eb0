import Foundation

/// A character-level language model: one-hot characters into a recurrent layer, then a dense
/// layer to one logit per character of the vocabulary (the classic char-RNN).
///
/// Inputs are one-hot, so `weight_ih`'s columns are the characters' input vectors, the notes'
/// W_ax; the loss is softmax cross-entropy of each step's logits against the next character.
public struct CharacterLanguageModel: Layer {
    /// The characters the model reads and writes; a character's id is its position.
    public let vocabulary: [Character]
    /// The recurrent layer, reading one-hot characters.
    public let recurrent: any RecurrentLayer
    /// Hidden state to logits.
    public let decoder: Dense

    /// A model over `vocabulary` with a `cell` of `hiddenSize` units.
    public init(vocabulary: [Character], cell: RecurrentCell, hiddenSize: Int, seed: UInt64) {
        self.vocabulary = vocabulary
        let size = vocabulary.count
        switch cell {
        case .simple: recurrent = SimpleRNN(size, hiddenSize, seed: seed)
        case .lstm: recurrent = LSTM(size, hiddenSize, seed: seed)
        case .gru: recurrent = GRU(size, hiddenSize, seed: seed)
        }
        decoder = Dense(hiddenSize, size, seed: seed &+ 1)
    }

    /// Logits `[batch · time, vocabulary]` for one-hot input `[batch, time, vocabulary]`.
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try logits(input, from: nil).logits }

    /// Logits `[batch · time, vocabulary]` for one-hot `input` `[batch, time, vocabulary]`,
    /// starting from `state`, and the state after the last step.
    public func logits(_ input: Tensor, from state: RecurrentState?) throws -> (logits: Tensor, state: RecurrentState) {
        let result = try recurrent.unroll(input, from: state)
        return (try decoder(result.sequence).reshaped([-1, vocabulary.count]), result.state)
    }

    /// One-hot `[batch, time, vocabulary]` of character ids `[batch][time]`.
    public func oneHot(_ ids: [[Int]]) throws -> Tensor {
        let steps = ids.first?.count ?? 0
        return try Tensor.oneHot(ids.flatMap { $0 }, classCount: vocabulary.count).reshaped([ids.count, steps, vocabulary.count])
    }

    /// `length` characters written by the model after reading `prime`, each drawn from
    /// softmax(logits / temperature): below 1 the likeliest characters dominate, above 1 the
    /// choice is more varied. The same `seed` gives the same text.
    /// - Throws: ``TensorError/invalidArgument(_:)`` when `prime` has a character outside the
    ///   vocabulary or the temperature is not positive.
    public func sample(length: Int, prime: String, temperature: Float, seed: UInt64) throws -> String {
        guard temperature > 0, temperature.isFinite else { throw TensorError.invalidArgument("temperature must be positive") }
        let position = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, $0) })
        var ids = try prime.map { character -> Int in
            guard let id = position[character] else {
                throw TensorError.invalidArgument("the prime's \(character.debugDescription) is not in the model's vocabulary")
            }
            return id
        }
        if ids.isEmpty { ids = [position["\n"] ?? 0] }  // an empty prime starts as after a line
        var generator = RandomGenerator(seed: seed)
        var written = ""
        try withoutGradient {
            var (logits, state) = try self.logits(oneHot([ids]), from: nil)
            for _ in 0..<length {
                let last = Array(logits.scalars.suffix(vocabulary.count))
                let next = Self.draw(from: last, temperature: temperature, using: &generator)
                written.append(vocabulary[next])
                (logits, state) = try self.logits(oneHot([[next]]), from: state)
            }
        }
        return written
    }

    /// An index drawn with probability softmax(logits / temperature).
    static func draw(from logits: [Float], temperature: Float, using generator: inout RandomGenerator) -> Int {
        let largest = logits.max() ?? 0
        let weights = logits.map { Foundation.exp(Double(($0 - largest) / temperature)) }
        var threshold = Double(generator.nextUnitFloat()) * weights.reduce(0, +)
        for (index, weight) in weights.enumerated() {
            threshold -= weight
            if threshold < 0 { return index }
        }
        return weights.count - 1
    }
}
