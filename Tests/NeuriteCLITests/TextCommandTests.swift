import Foundation
import Neurite
import Testing
@testable import NeuriteCLI

/// `neurite train text` and `neurite sample`, end to end on a tiny text.
@Suite("neurite train text and sample")
struct TextCommandTests {
    @Test func trainsSavesAndSamples() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-text-\(UInt64.random(in: 0 ... .max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = directory.appendingPathComponent("names.txt"), model = directory.appendingPathComponent("model.safetensors")
        try "anna\nbob\ncarol\ndave\neve\n".write(to: text, atomically: true, encoding: .utf8)
        var train = try NeuriteCommand.parseAsRoot([
            "train", "text", text.path, "--cell", "rnn", "--hidden", "8", "--sequence-length", "4", "--batch-size", "2",
            "--epochs", "2", "--optimizer", "adam", "--clip-value", "10", "--gradient-norms", "--sample-length", "10", "--output", model.path,
        ])
        try train.run()
        let saved = try CharacterLanguageModel.load(from: model)
        #expect(saved.cell == .simple && saved.vocabulary.count == 11)
        var sample = try NeuriteCommand.parseAsRoot(["sample", model.path, "--length", "5", "--prime", "an"])
        try sample.run()
        // evaluate and summary read character models too; evaluate needs a text of its characters.
        for arguments in [["evaluate", model.path, text.path], ["summary", model.path], ["summary", model.path, "--input-shape", "7,11"]] {
            var command = try NeuriteCommand.parseAsRoot(arguments)
            try command.run()
        }
        let other = directory.appendingPathComponent("other.txt")
        try "anna\nzoe\n".write(to: other, atomically: true, encoding: .utf8)
        for (arguments, expected) in [
            (["evaluate", model.path], "expected a text to measure this character language model on"),
            (["evaluate", model.path, other.path], "\(other.path): cannot be read, line 2: the character \"z\" is not in the vocabulary of 11 characters"),
            (["summary", model.path, "--input-shape", "7,12"], "error: --input-shape: expected TIME,11 for a character model of 11 characters, found 7,12"),
            (["predict", model.path, text.path], "'neurite evaluate' measures it on a text"),
        ] {
            do {
                var command = try NeuriteCommand.parseAsRoot(arguments)
                try command.run()
                Issue.record("\(arguments) ran")
            } catch {
                let message = NeuriteCommand.message(for: error, arguments: arguments)
                #expect(message.contains(expected), "\(message)")
            }
        }
    }

    /// Two epochs with a checkpoint, then a resumed third, give the weights of three epochs in
    /// one run: `train text` runs the same epoch driver as `fit`, checkpoints included.
    @Test func validationCheckpointAndResume() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-text-resume-\(UInt64.random(in: 0 ... .max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = directory.appendingPathComponent("names.txt")
        try String(repeating: "anna\nbob\ncarol\ndave\neve\n", count: 3).write(to: text, atomically: true, encoding: .utf8)
        func train(_ epochs: Int, _ extra: [String]) throws {
            var command = try NeuriteCommand.parseAsRoot([
                "train", "text", text.path, "--cell", "gru", "--hidden", "8", "--sequence-length", "4", "--batch-size", "2",
                "--epochs", "\(epochs)", "--optimizer", "adam", "--schedule", "constant", "--validation-split", "0.2", "--sample-length", "0",
            ] + extra)
            try command.run()
        }
        let checkpoint = directory.appendingPathComponent("checkpoint").path
        let whole = directory.appendingPathComponent("whole.safetensors"), resumed = directory.appendingPathComponent("resumed.safetensors")
        try train(3, ["--output", whole.path])
        try train(2, ["--checkpoint", checkpoint])
        try train(3, ["--resume", checkpoint, "--output", resumed.path])
        let (expected, _) = try Safetensors.read(from: whole), (actual, _) = try Safetensors.read(from: resumed)
        #expect(Set(actual.keys) == Set(expected.keys))
        for (name, tensor) in expected { #expect(actual[name] == tensor, "\(name)") }
    }

    @Test func badOptionsGiveClearErrors() {
        let cases: [([String], String)] = [
            (["train", "text", "x.txt", "--cell", "wobbly"], "wobbly"),
            (["train", "text", "x.txt", "--hidden", "0"], "error: --hidden: must be in"),
            (["train", "text", "x.txt", "--temperature", "0"], "error: --temperature: must be positive"),
            (["train", "text", "x.txt", "--clip-norm", "1", "--clip-value", "1"], "either --clip-norm or --clip-value"),
            (["sample", "m.safetensors", "--length", "2000000"], "error: --length: must be in"),
            (["train", "text", "x.txt", "--validation-split", "1"], "error: --validation-split: must be between 0 and 1"),
        ]
        for (arguments, expected) in cases {
            do {
                _ = try NeuriteCommand.parseAsRoot(arguments)
                Issue.record("\(arguments) was accepted")
            } catch {
                let message = NeuriteCommand.message(for: error)
                #expect(message.contains(expected), "\(arguments): \(message)")
            }
        }
    }

    /// A tensor error names no file or option: the command that stopped heads it.
    @Test func aTensorErrorIsHeadedByItsCommand() {
        let error = TensorError.nonFinite("the loss became NaN at step 3")
        #expect(NeuriteCommand.message(for: error, arguments: ["train", "text", "x.txt", "--epochs", "2"]) == "error: train text: the loss became NaN at step 3")
        #expect(NeuriteCommand.message(for: error, arguments: ["predict", "m.safetensors", "rows.csv"]) == "error: predict: the loss became NaN at step 3")
        #expect(NeuriteCommand.message(for: error) == "error: the loss became NaN at step 3")
    }

    @Test func missingFileNamesIt() throws {
        var train = try NeuriteCommand.parseAsRoot(["train", "text", "/nonexistent/corpus.txt"])
        #expect { try train.run() } throws: { "\($0)".contains("/nonexistent/corpus.txt") }
    }
}
