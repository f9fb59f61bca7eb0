import Foundation
import Testing
@testable import Neurite

@Suite("Character language model")
struct TextModelTests {
    @Test func windowsCutTheTextIntoContiguousStreams() throws {
        let corpus = try TextCorpus("abcdefghij")
        #expect(corpus.vocabulary == Array("abcdefghij"))
        // Two streams of (10 − 1) / 2 = 4 characters: "abcd" and "efgh", read two at a time.
        let windows = try corpus.windows(batchSize: 2, sequenceLength: 2)
        #expect(windows.count == 2)
        #expect(windows[0].inputs == [[0, 1], [4, 5]])
        #expect(windows[0].targets == [1, 2, 5, 6])
        #expect(windows[1].inputs == [[2, 3], [6, 7]])
        #expect(windows[1].targets == [3, 4, 7, 8])
        #expect(throws: TensorError.self) { try corpus.windows(batchSize: 2, sequenceLength: 5) }
        // Validation holds out the end of the text, with the whole text's vocabulary.
        let (train, validation) = try corpus.split(validationFraction: 0.2)
        #expect(train.ids == Array(0..<8) && validation.ids == [8, 9] && validation.vocabulary == corpus.vocabulary)
        #expect(throws: TensorError.self) { try corpus.split(validationFraction: 0.05) }
        #expect(throws: TensorError.self) { try TextCorpus("a") }
        #expect(throws: DataError.self) { try TextCorpus(contentsOf: URL(fileURLWithPath: "/nonexistent/corpus.txt")) }
    }

    /// A text file whose corpus cannot fit under ``SizeLimit`` is refused before it is read: a
    /// sparse file claims the size without taking the disk.
    @Test func refusesATextTooLargeForMemoryBeforeReadingIt() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-large-\(UUID().uuidString).txt")
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        defer { try? FileManager.default.removeItem(at: url) }
        let file = try FileHandle(forWritingTo: url)
        try file.truncate(atOffset: UInt64(SizeLimit.maximumBytes / 8))
        try file.close()
        let error = try #require(throws: DataError.self) { try TextCorpus(contentsOf: url) }
        #expect("\(error)".contains("more than the limit"), "\(error)")
    }

    @Test func learnsARepeatedPhraseAndSavesAndReloads() throws {
        let corpus = try TextCorpus(String(repeating: "hello world\n", count: 24))
        let windows = try corpus.windows(batchSize: 4, sequenceLength: 8)
        var model = CharacterLanguageModel(vocabulary: corpus.vocabulary, cell: .gru, hiddenSize: 16, seed: 3)
        #expect(model.namedParameters.map(\.name) == [
            "recurrent.weight_ih", "recurrent.weight_hh", "recurrent.bias_ih", "recurrent.bias_hh", "decoder.weight", "decoder.bias",
        ])
        var optimizer = Adam(learningRate: 0.02)
        var first: EpochSummary?, last: EpochSummary?
        for _ in 0..<25 {
            last = try trainEpoch(&model, optimizer: &optimizer, on: windows, clipping: .norm(5))
            first = first ?? last
        }
        // From log(8) ≈ 2.08 nats per character to nearly certain: the phrase is deterministic
        // except where a line starts (after "\n" always "h" too, so everything is predictable).
        #expect(first!.loss > 1.5)
        #expect(last!.loss < 0.2)
        let written = try model.sample(length: 12, prime: "hello", temperature: 0.1, seed: 1)
        #expect(written == " world\nhello")

        let url = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-char-\(UInt64.random(in: 0 ... .max)).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(to: url)
        let reloaded = try CharacterLanguageModel.load(from: url)
        #expect(reloaded.cell == .gru && reloaded.vocabulary == model.vocabulary)
        #expect(try reloaded.sample(length: 30, prime: "wor", temperature: 1, seed: 9) == model.sample(length: 30, prime: "wor", temperature: 1, seed: 9))
        #expect(throws: TensorError.self) { try model.sample(length: 3, prime: "xyz", temperature: 1, seed: 1) }
    }

    /// The epoch's accuracy counts each position's predicted character (the steps hand over
    /// classes, not logits): with updates too small to change a weight, it is the accuracy that
    /// ``CharacterLanguageModel/evaluate(on:)`` measures on the same windows, read the same way.
    @Test func trainingAccuracyCountsPredictedCharacters() throws {
        let corpus = try TextCorpus(String(repeating: "abcabd", count: 40))
        let windows = try corpus.windows(batchSize: 4, sequenceLength: 6)
        var model = CharacterLanguageModel(vocabulary: corpus.vocabulary, cell: .lstm, hiddenSize: 8, seed: 2)
        let before = try model.evaluate(on: windows)
        var optimizer = SGD(learningRate: .leastNonzeroMagnitude)
        let summary = try trainEpoch(&model, optimizer: &optimizer, on: windows)
        #expect(summary.accuracy == before.metrics["accuracy"])
        #expect(summary.accuracy > 0 && summary.accuracy < 1)
        #expect(abs(summary.loss - before.loss) < 1e-6)
    }

    /// A whole text is measured over a model's own vocabulary: every character after the first
    /// predicted once, the same loss as windows that happen to cover the text exactly, a
    /// remainder shorter than a window included, and a character the model never saw named with
    /// its line.
    @Test func measuresAWholeTextOverTheModelsVocabulary() throws {
        let training = try TextCorpus(String(repeating: "abcabd\n", count: 10))
        let model = CharacterLanguageModel(vocabulary: training.vocabulary, cell: .gru, hiddenSize: 8, seed: 4)
        // 513 characters: 512 predictions, two windows of 256 with nothing left over.
        let text = String(String(repeating: "dcba\nab", count: 74).prefix(513))
        let corpus = try TextCorpus(text, vocabulary: model.vocabulary)
        #expect(corpus.vocabulary == model.vocabulary && corpus.ids.count == 513)
        let whole = try model.evaluate(on: corpus)
        let windowed = try model.evaluate(on: corpus.windows(batchSize: 1, sequenceLength: 8))
        #expect(abs(whole.loss - windowed.loss) < 1e-5, "\(whole.loss) \(windowed.loss)")
        #expect(whole.metrics["accuracy"] == windowed.metrics["accuracy"])
        // One more character: 513 predictions, the last in a window of its own; the mean moves by
        // that one prediction's share.
        let longer = try model.evaluate(on: TextCorpus(text + "a", vocabulary: model.vocabulary))
        #expect(longer.loss != whole.loss && abs(longer.loss - whole.loss) < 0.05)

        #expect {
            try TextCorpus("ab\nba\nabz", vocabulary: model.vocabulary)
        } throws: { "\($0)".contains("line 3: the character \"z\" is not in the vocabulary of 5 characters") }
        #expect(throws: TensorError.self) { try model.evaluate(on: TextCorpus("abzab")) }
    }

    /// A window too large for memory is refused before its one-hot is allocated (1024 × 1024
    /// characters over 20,000 asked for 84 GB and aborted the process); a small one trains.
    @Test func refusesAStepThatCannotFitInMemory() throws {
        let vocabulary = (0..<20_000).map { Character(UnicodeScalar(0x4E00 + $0)!) }
        let model = CharacterLanguageModel(vocabulary: vocabulary, cell: .lstm, hiddenSize: 4, seed: 1)
        let large = TextWindow(inputs: Array(repeating: Array(repeating: 0, count: 1024), count: 1024), targets: Array(repeating: 1, count: 1024 * 1024))
        let error = try #require(throws: TensorError.self) { try model.fit([large], optimizer: SGD(learningRate: 0.1), epochs: 1) }
        #expect("\(error)".hasPrefix("a step of 1024 × 1024 characters over a vocabulary of 20000 needs"), "\(error)")
        #expect(throws: TensorError.self) { try model.evaluate(on: [large]) }
        let small = TextWindow(inputs: [[0, 1], [2, 3]], targets: [1, 2, 3, 4])
        #expect(try model.fit([small], optimizer: SGD(learningRate: 0.1), epochs: 1).epochs.count == 1)
    }

    /// The metadata's hidden size decides what is allocated before the weights are compared with
    /// the file: a size the file's weights do not fill is refused first (a hidden size of 10⁸
    /// asked for 160 PB and aborted the process).
    @Test func refusesAHiddenSizeTheFileDoesNotHold() throws {
        for cell in RecurrentCell.allCases {
            let model = CharacterLanguageModel(vocabulary: Array("abc"), cell: cell, hiddenSize: 5, seed: 1)
            #expect(CharacterLanguageModel.parameterCount(vocabularySize: 3, cell: cell, hiddenSize: 5) == model.parameterCount)
        }
        #expect(CharacterLanguageModel.parameterCount(vocabularySize: 3, cell: .lstm, hiddenSize: 1 << 31) == nil)
        #expect(CharacterLanguageModel.parameterCount(vocabularySize: 3, cell: .lstm, hiddenSize: .max) == nil)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-char-\(UInt64.random(in: 0 ... .max)).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try CharacterLanguageModel(vocabulary: Array("abc"), cell: .lstm, hiddenSize: 5, seed: 1).save(to: url)
        let (tensors, metadata) = try Safetensors.read(from: url)
        for hidden in ["100000000", "6", "\(Int.max)"] {
            var changed = metadata
            changed["neurite.hidden"] = hidden
            try Safetensors.write(tensors.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, metadata: changed, to: url)
            #expect(throws: SerializationError.self, "hidden \(hidden)") { try CharacterLanguageModel.load(from: url) }
        }
    }
}
