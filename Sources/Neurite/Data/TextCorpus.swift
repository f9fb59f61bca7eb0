import Foundation

/// A text as a stream of character ids, for character-level language models.
///
/// The vocabulary is the text's distinct characters (Unicode extended grapheme clusters), sorted,
/// so the same text always gives the same ids.
public struct TextCorpus: Sendable {
    /// The distinct characters, sorted; a character's id is its position.
    public let vocabulary: [Character]
    /// The text, each character replaced by its id.
    public let ids: [Int]

    /// The corpus of `text`.
    /// - Throws: ``TensorError/invalidArgument(_:)`` for a text of fewer than two characters
    ///   (there is nothing to predict).
    public init(_ text: String) throws {
        try self.init(text, vocabulary: Array(Set(text)).sorted())
    }

    /// `text` over a vocabulary fixed beforehand, such as a trained model's, so that its ids are
    /// the ones the model was trained with.
    /// - Throws: ``TensorError/invalidArgument(_:)`` naming the first character outside
    ///   `vocabulary` and where it is, or for a text of fewer than two characters.
    public init(_ text: String, vocabulary: [Character]) throws {
        let position = Dictionary(vocabulary.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var ids: [Int] = []
        ids.reserveCapacity(text.utf8.count)
        for character in text {
            guard let id = position[character] else {
                let line = 1 + ids.lazy.filter { vocabulary[$0].isNewline }.count
                throw TensorError.invalidArgument(
                    "line \(line): the character \(String(reflecting: String(character))) is not in the vocabulary of \(vocabulary.count) characters")
            }
            ids.append(id)
        }
        guard ids.count >= 2 else { throw TensorError.invalidArgument("a text corpus needs at least two characters") }
        self.init(vocabulary: vocabulary, ids: ids)
    }

    /// A part of a corpus: `ids` over `vocabulary`.
    private init(vocabulary: [Character], ids: [Int]) {
        self.vocabulary = vocabulary
        self.ids = ids
    }

    /// The text cut in two: the first `1 − validationFraction` of its characters to train on, the
    /// rest, the end of the text, to validate on; both keep this corpus's vocabulary. The end
    /// rather than a random sample, because windows need contiguous text (a sorted text such as
    /// `Corpora/names.txt` then validates on its last names).
    /// - Throws: ``TensorError/invalidArgument(_:)`` for a fraction outside (0, 1) or a part of
    ///   fewer than two characters.
    public func split(validationFraction: Double) throws -> (train: TextCorpus, validation: TextCorpus) {
        guard validationFraction > 0, validationFraction < 1 else {
            throw TensorError.invalidArgument("the validation fraction \(validationFraction) is not between 0 and 1")
        }
        let cut = ids.count - Int(Double(ids.count) * validationFraction)
        guard cut >= 2, ids.count - cut >= 2 else {
            throw TensorError.invalidArgument("a text of \(ids.count) characters is too short to hold out \(validationFraction) of it")
        }
        return (TextCorpus(vocabulary: vocabulary, ids: Array(ids[..<cut])), TextCorpus(vocabulary: vocabulary, ids: Array(ids[cut...])))
    }

    /// The corpus of a UTF-8 text file, over the text's own characters or over `vocabulary` (a
    /// trained model's, to measure it on a new text).
    /// - Throws: ``DataError`` naming the file when it is missing, larger than ``SizeLimit``
    ///   allows, not UTF-8, too short or holding a character outside `vocabulary`.
    public init(contentsOf url: URL, vocabulary: [Character]? = nil) throws {
        guard FileManager.default.fileExists(atPath: url.path) else { throw DataError.fileNotFound(url) }
        // Each byte may become a character and an id, each several bytes wide, beside the file's
        // own bytes and its decoded string: refuse a file whose corpus cannot fit before reading it.
        let bytesPerByte = 2 + MemoryLayout<Character>.stride + MemoryLayout<Int>.stride
        let data: Data
        do {
            data = try InputFile.contents(of: url, bytesPerByte: bytesPerByte, what: "a text")
        } catch let failure as InputFile.Failure {
            throw DataError.unreadable(url, reason: failure.reason)
        }
        guard let text = String(data: data, encoding: .utf8) else { throw DataError.unreadable(url, reason: "not UTF-8 text") }
        do {
            if let vocabulary { try self.init(text, vocabulary: vocabulary) } else { try self.init(text) }
        } catch { throw DataError.unreadable(url, reason: "\(error)") }
    }

    /// Windows for truncated backpropagation through time: the text is cut into `batchSize`
    /// contiguous streams, one per row, and each window holds the next `sequenceLength`
    /// characters of every stream with, as targets, the characters that follow them. Row b of
    /// window k + 1 continues row b of window k, so a state carried from one window to the
    /// next has read the text in order.
    /// - Throws: ``TensorError/invalidArgument(_:)`` when the text is too short for one window.
    public func windows(batchSize: Int, sequenceLength: Int) throws -> [TextWindow] {
        guard batchSize > 0, sequenceLength > 0 else { throw TensorError.invalidArgument("batch size and sequence length must be positive") }
        let streamLength = (ids.count - 1) / batchSize
        guard streamLength >= sequenceLength else {
            throw TensorError.invalidArgument(
                "a text of \(ids.count) characters is too short for \(batchSize) streams of \(sequenceLength) characters")
        }
        return stride(from: 0, through: streamLength - sequenceLength, by: sequenceLength).map { start in
            let rows = (0..<batchSize).map { $0 * streamLength + start }
            return TextWindow(
                inputs: rows.map { Array(ids[$0..<$0 + sequenceLength]) },
                targets: rows.flatMap { ids[$0 + 1...$0 + sequenceLength] })
        }
    }
}

/// One window of ``TextCorpus/windows(batchSize:sequenceLength:)``.
public struct TextWindow: Sendable {
    /// `[batch][time]` character ids.
    public let inputs: [[Int]]
    /// The id following each input, row after row (`batch · time` ids, the loss's labels).
    public let targets: [Int]
}
