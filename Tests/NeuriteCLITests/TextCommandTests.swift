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
    }

    @Test func badOptionsGiveClearErrors() {
        let cases: [([String], String)] = [
            (["train", "text", "x.txt", "--cell", "wobbly"], "wobbly"),
            (["train", "text", "x.txt", "--hidden", "0"], "error: --hidden: must be in"),
            (["train", "text", "x.txt", "--temperature", "0"], "error: --temperature: must be positive"),
            (["train", "text", "x.txt", "--clip-norm", "1", "--clip-value", "1"], "either --clip-norm or --clip-value"),
            (["sample", "m.safetensors", "--length", "2000000"], "error: --length: must be in"),
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

    @Test func missingFileNamesIt() throws {
        var train = try NeuriteCommand.parseAsRoot(["train", "text", "/nonexistent/corpus.txt"])
        #expect { try train.run() } throws: { "\($0)".contains("/nonexistent/corpus.txt") }
    }
}
