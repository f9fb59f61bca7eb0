import Foundation

/// Saving and loading a ``CharacterLanguageModel``: a safetensors file whose metadata holds what
/// is needed to rebuild the model before its weights are read (cell, hidden size, vocabulary).
extension CharacterLanguageModel {
    private enum Key {
        static let kind = "neurite.model", cell = "neurite.cell", hidden = "neurite.hidden", vocabulary = "neurite.vocabulary"
    }

    /// The number of parameters of a model of this shape, without building it; `nil` when the
    /// count overflows `Int`. PyTorch's layout: `weight_ih` `[g·h, v]`, `weight_hh` `[g·h, h]`,
    /// two biases `[g·h]`, then the decoder's `[h, v]` weights and `[v]` bias.
    static func parameterCount(vocabularySize v: Int, cell: RecurrentCell, hiddenSize h: Int) -> Int? {
        // Below 2³¹ each, only the two products of three sizes can overflow.
        guard (0...1 << 31).contains(h), (0...1 << 31).contains(v) else { return nil }
        let (recurrent, recurrentOverflow) = (cell.gateCount * h).multipliedReportingOverflow(by: v + h + 2)
        let (total, totalOverflow) = recurrent.addingReportingOverflow(h * v + v)
        return recurrentOverflow || totalOverflow ? nil : total
    }

    /// Whether a safetensors file's metadata is that of a model saved by ``save(to:)``: a
    /// program that reads several kinds of model file can tell this one apart before loading it.
    public static func isSaved(in metadata: [String: String]) -> Bool {
        metadata[Key.kind] == "character-language-model"
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
    /// - Throws: ``SerializationError`` when the file is not a saved character model, or its
    ///   hidden size and vocabulary ask for other weights than the file holds.
    public static func load(from url: URL) throws -> CharacterLanguageModel {
        let (tensors, metadata) = try Safetensors.read(from: url)
        guard isSaved(in: metadata) else { throw SerializationError.mismatch(url, reason: "not a character language model saved by neurite train text") }
        guard let cell = metadata[Key.cell].flatMap(RecurrentCell.init),
              let hidden = metadata[Key.hidden].flatMap(Int.init), hidden > 0,
              let vocabulary = metadata[Key.vocabulary].map(Array.init), !vocabulary.isEmpty, Set(vocabulary).count == vocabulary.count
        else { throw SerializationError.mismatch(url, reason: "a character language model whose metadata lacks a valid cell, hidden size or vocabulary") }
        // The metadata's sizes decide what the model allocates before the weights are compared
        // with the file: a hidden size of 10⁸ would ask for 160 PB. The file's own tensors, whose
        // sizes the reader has checked against its length, bound what may be allocated.
        let stored = tensors.values.reduce(0) { $0 + $1.count }
        guard let needed = parameterCount(vocabularySize: vocabulary.count, cell: cell, hiddenSize: hidden), needed == stored else {
            throw SerializationError.mismatch(url, reason: "a \(cell.rawValue) of \(hidden) units over \(vocabulary.count) characters needs other weights than the \(stored) values the file holds")
        }
        let model = CharacterLanguageModel(vocabulary: vocabulary, cell: cell, hiddenSize: hidden, seed: 0)
        try model.load(from: url)
        return model
    }
}
