extension RandomGenerator {
    /// The generator's four state words: saved with a training checkpoint, so that a resumed run
    /// draws exactly the numbers the uninterrupted one would have.
    public var stateWords: [UInt64] { [state.0, state.1, state.2, state.3] }

    /// A generator continuing from `stateWords` as ``stateWords`` returned them.
    /// - Throws: ``TensorError/invalidArgument(_:)`` unless there are four words, not all zero
    ///   (the one state xoshiro256** never leaves).
    public init(stateWords words: [UInt64]) throws {
        guard words.count == 4, words.contains(where: { $0 != 0 }) else {
            throw TensorError.invalidArgument("a random generator's state is four words, not all zero; got \(words)")
        }
        self.init(seed: 0)
        state = (words[0], words[1], words[2], words[3])
    }
}
