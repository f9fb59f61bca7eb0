import Foundation

/// Saving and loading a ``CharacterLanguageModel``: a safetensors file whose metadata holds what
/// is needed to rebuild the model before its weights are read (cell, hidden size, vocabulary).
extension CharacterLanguageModel {
    private enum Key {
        static let kind = "neurite.model", cell = "neurite.cell", hidden = "neurite.hidden", vocabulary = "neurite.vocabulary"
    }

    /// The cell of the recurrent layer.
    public var cell: RecurrentCell { type(of: recurrent).cell }

    /// Saves the weights and what rebuilds the model, atomically.
    public func save(to url: URL) throws {
        try save(to: url, metadata: [
            Key.kind: "character-language-model", Key.cell: cell.rawValue,
            Key.hidden: String(recurrent.hiddenSize), Key.vocabulary: String(vocabulary),
        ])
    }

    /// The model saved in `url` by ``save(to:)``.
    /// - Throws: ``SerializationError`` when the file is not a saved character model.
    public static func load(from url: URL) throws -> CharacterLanguageModel {
        let (_, metadata) = try Safetensors.read(from: url)
        guard metadata[Key.kind] == "character-language-model", let cell = metadata[Key.cell].flatMap(RecurrentCell.init),
              let hidden = metadata[Key.hidden].flatMap(Int.init), hidden > 0,
              let vocabulary = metadata[Key.vocabulary].map(Array.init), !vocabulary.isEmpty, Set(vocabulary).count == vocabulary.count
        else { throw SerializationError.mismatch(url, reason: "not a character language model saved by neurite train text") }
        let model = CharacterLanguageModel(vocabulary: vocabulary, cell: cell, hiddenSize: hidden, seed: 0)
        try model.load(from: url)
        return model
    }
}
