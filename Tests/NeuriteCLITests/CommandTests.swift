import Foundation
import Neurite
import Testing
@testable import NeuriteCLI

/// The real commands, run end to end on a small dataset in MNIST's file format.
@Suite("neurite command")
struct CommandTests {
    @Test func badOptionsGiveClearErrors() {
        let cases: [([String], String)] = [
            (["train", "mnist", "--epochs", "0"], "error: --epochs: must be positive, found 0"),
            (["train", "mnist", "--wobble"], "error: --wobble: expected a known option"),
            (["train", "mnist", "--activation", "wobbly"], "wobbly"),
            (["train", "cifar"], "cifar"),
            (["train", "mnist", "--learning-rate", "fast"], "fast"),
            (["train", "mnist", "--clip-norm", "1", "--clip-value", "1"], "either --clip-norm or --clip-value"),
            (["train", "mnist", "--clip-value", "0"], "clipping limits must be positive"),
            (["train", "mnist", "--validation-split", "1.5"], "error: --validation-split: must be between 0 and 1"),
            (["train", "mnist", "--early-stopping", "0"], "error: --early-stopping: needs a patience of at least 1"),

            (["train", "mnist", "--batch-size", "-5"], "error: --batch-size: must be positive, found -5"),
            (["train", "mnist", "--epochs", "-1"], "error: --epochs: must be positive, found -1"),
            (["train", "mnist", "--epochs", "abc"], "error: --epochs: expected a valid value, found 'abc'"),
            (["train", "mnist", "--learning-rate", "-0.5"], "error: --learning-rate: must be a positive number, found -0.5"),
            (["train", "mnist", "--learning-rate", "nan"], "error: --learning-rate: must be a positive number"),
            (["train", "mnist", "--momentum", "2"], "error: --momentum: must be in [0, 1)"),
            (["train", "mnist", "--hidden", "0"], "error: --hidden: sizes must be positive"),
            (["train", "mnist", "--seed", "-1"], "error: --seed: expected a valid value, found '-1'"),
            (["train", "mnist", "--batch-size"], "error: --batch-size: expected a value, found none"),
        ]
        for (given, expected) in cases { expectParseError(given, contains: expected) }
    }

    @Test func trainsSavesAndEvaluatesOnAnIDXDirectory() throws {
        let directory = try SyntheticDigits.write(trainCount: 600, testCount: 200)
        let model = directory.appendingPathComponent("model.safetensors")
        var train = try NeuriteCommand.parseAsRoot([
            "train", "mnist", "--data-dir", directory.path, "--epochs", "3", "--hidden", "32",
            "--learning-rate", "0.05", "--output", model.path,
        ])
        try train.run()

        let (_, metadata) = try Safetensors.read(from: model)
        #expect(metadata["neurite.architecture"] == "dense(32, relu) dense(10)")
        let network = try Architecture(metadata["neurite.architecture"]!).build(inputShape: [784], seed: 0)
        try network.load(from: model)
        let data = try MNIST.load(from: directory)
        #expect(try network.accuracy(on: data.test) > 0.9)

        var evaluate = try NeuriteCommand.parseAsRoot(["evaluate", model.path, "--data-dir", directory.path])
        try evaluate.run()
    }

    @Test func corruptDataFileFailsNamingIt() throws {
        let directory = try SyntheticDigits.write(trainCount: 20, testCount: 10)
        let labels = directory.appendingPathComponent("t10k-labels-idx1-ubyte")
        let bytes = try Data(contentsOf: labels)
        try bytes.prefix(bytes.count - 3).write(to: labels)
        var train = try NeuriteCommand.parseAsRoot(["train", "mnist", "--data-dir", directory.path, "--epochs", "1"])
        #expect { try train.run() } throws: { "\($0)".contains("t10k-labels-idx1-ubyte") }
    }
}

/// Ten easily separated classes in MNIST's format: digit d is a bright 6×6 square at a position
/// that depends on d, on a noisy background.
enum SyntheticDigits {
    static func write(trainCount: Int, testCount: Int) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var generator = RandomGenerator(seed: 5)
        for (prefix, count) in [("train", trainCount), ("t10k", testCount)] {
            var images: [UInt8] = [], labels: [UInt8] = []
            for _ in 0..<count {
                let digit = Int(generator.next() % 10)
                labels.append(UInt8(digit))
                let top = 2 + (digit / 5) * 12, left = 2 + (digit % 5) * 5
                for row in 0..<28 {
                    for column in 0..<28 {
                        let inside = (top..<top + 6).contains(row) && (left..<left + 6).contains(column)
                        images.append(inside ? 200 + UInt8(generator.next() % 56) : UInt8(generator.next() % 60))
                    }
                }
            }
            try idx([count, 28, 28], images).write(to: directory.appendingPathComponent("\(prefix)-images-idx3-ubyte"))
            try idx([count], labels).write(to: directory.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
        }
        return directory
    }

    private static func idx(_ dimensions: [Int], _ body: [UInt8]) -> Data {
        var bytes: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for dimension in dimensions { bytes += [24, 16, 8, 0].map { UInt8((dimension >> $0) & 0xFF) } }
        return Data(bytes + body)
    }
}
