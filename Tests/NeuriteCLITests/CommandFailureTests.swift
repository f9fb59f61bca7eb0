import Foundation
import Neurite
import Testing
@testable import NeuriteCLI

/// Runs that must fail with one clear line, before training where the problem is known then,
/// without losing a saved model.
@Suite("neurite command failures", .serialized)
struct CommandFailureTests {
    static let data = try! SyntheticDigits.write(trainCount: 60, testCount: 20)

    func failure(_ arguments: [String]) -> String? {
        do {
            var command = try NeuriteCommand.parseAsRoot(NeuriteCommand.joiningNegativeNumbers(arguments))
            try command.run()
            return nil
        } catch {
            return NeuriteCommand.message(for: error, arguments: arguments)
        }
    }

    @Test(arguments: [
        (["--hidden", "1000000000"], "error: --model: the model up to dense(1000000000, relu) needs 3.1 TB, more than the limit"),
        (["--model", "./mymodel.txt"], "error: --model: expected an architecture or a file, found no such file ./mymodel.txt"),
        (["--model", "dense(128, relu)"], "error: --model: expected the last layer to output 10 values"),
        (["--model", "relu"], "found shape [784]"),
        (["--model", "batchnorm(epsilon: inf) dense(10)"], "positive, finite epsilon"),
        (["--model", "conv(1000000000,5)"], "error: --model: conv: needs [channels, height, width] samples"),
        (["--model", "reshape(1,28,28) conv(100000, 1) globalavgpool dense(10)"],
         "error: --model: a batch of 256 samples through the model up to conv(100000, 1) needs"),
        (["--model", "reshape(1,28,28) conv(100000, 1) globalavgpool dense(10)", "--batch-size", "32"],
         "; each epoch is evaluated in batches of 256, whatever --batch-size"),
        (["--output", "/no/such/folder/model.safetensors"], "error: --output: /no/such/folder/model.safetensors: cannot be written, expected an existing folder, found no folder /no/such/folder"),
        (["--output", "/tmp"], "error: --output: /tmp: cannot be written, expected a file name, found a folder"),
        (["--data-dir", "/no/such/data"], "error: /no/such/data/train-images-idx3-ubyte: no such file"),
    ])
    func failsWithOneLine(_ options: [String], _ expected: String) {
        let message = failure(["train", "mnist", "--data-dir", Self.data.path, "--epochs", "1"] + options)
        #expect(message?.contains(expected) == true, "\(options): \(message ?? "succeeded")")
        #expect(message?.contains("\n") == false)
        #expect(message?.contains("NSCocoaErrorDomain") == false)
    }

    /// A line break or escape sequence in a file name or value is written as its escape: the
    /// error stays one line and cannot restyle the terminal.
    @Test func controlCharactersInNamesAndValuesAreEscaped() {
        #expect(failure(["evaluate", "/no/such/a\nb.safetensors"]) == "error: /no/such/a\\nb.safetensors: cannot be read, no such file")
        #expect(failure(["evaluate", "/no/such/\u{1B}[31mred"]) == "error: /no/such/\\u{1B}[31mred: cannot be read, no such file")
        #expect(failure(["train", "mnist", "--optimizer", "sg\nd"]) == "error: --optimizer: expected a valid value, found 'sg\\nd'")
    }

    @Test func aDivergedRunKeepsTheSavedModel() throws {
        let model = Self.data.appendingPathComponent("kept.safetensors")
        let common = ["train", "mnist", "--data-dir", Self.data.path, "--epochs", "1", "--hidden", "8", "--output", model.path]
        #expect(failure(common) == nil)
        let saved = try Data(contentsOf: model)
        let message = failure(common + ["--learning-rate", "1e30", "--momentum", "0", "--batch-size", "60"])
        #expect(message?.contains("nothing was saved") == true || message?.contains("loss became") == true, "\(message ?? "succeeded")")
        #expect(try Data(contentsOf: model) == saved)
    }

    @Test func evaluateNamesAMissingOrBrokenModel() throws {
        #expect(failure(["evaluate", "/no/such/model.safetensors"]) == "error: /no/such/model.safetensors: cannot be read, no such file")
        let broken = Self.data.appendingPathComponent("broken.safetensors")
        try Data([1, 2, 3]).write(to: broken)
        #expect(failure(["evaluate", broken.path])?.contains("fewer than the 8-byte header length") == true)
    }

    /// A model that is not an MNIST classifier is named as what it is, before any image is run.
    @Test func evaluateRefusesAModelItCannotMeasureThatWay() throws {
        let sevenOutputs = Self.data.appendingPathComponent("seven.safetensors")
        let architecture = try Architecture("dense(7)")
        try SavedModel.save(try architecture.build(inputShape: [784], seed: 0), architecture: architecture, inputShape: [784], to: sevenOutputs.path)
        #expect(failure(["evaluate", sevenOutputs.path, "--data-dir", Self.data.path]) == "error: \(sevenOutputs.path): expected an MNIST classifier of 10 outputs, found outputs of shape [7]")
        let table = Self.data.appendingPathComponent("table.safetensors")
        let tableArchitecture = try Architecture("dense(1)")
        try tableArchitecture.build(inputShape: [3], seed: 0).save(to: table, metadata: [
            SavedModel.Key.architecture: tableArchitecture.description, SavedModel.Key.inputShape: "3", SavedModel.Key.task: "regression",
        ])
        #expect(failure(["evaluate", table.path]) == "error: \(table.path): expected a table to measure this model of a CSV table (task regression) on: 'neurite evaluate \(table.path) TABLE.csv'")
        #expect(failure(["evaluate", sevenOutputs.path, "table.csv"]) == "error: table.csv: expected no table: an MNIST classifier is measured on the MNIST test set (--data-dir for another copy)")
    }

    /// A character model given to a command of image and table models is named as what it is,
    /// with the command that reads it (it used to be "no Neurite architecture metadata; was it
    /// saved by 'neurite train'?", which it was).
    @Test func aCharacterModelIsNamedWithTheCommandForIt() throws {
        let model = Self.data.appendingPathComponent("names.safetensors")
        try Safetensors.write([("decoder.bias", Tensor([0]))], metadata: ["neurite.model": "character-language-model"], to: model)
        let expected = "error: \(model.path): a character language model (neurite train text): 'neurite sample' writes text with it, 'neurite evaluate' measures it on a text; this command reads models of train mnist and train csv"
        #expect(failure(["export-onnx", model.path, "/tmp/unused.onnx"]) == expected)
        #expect(failure(["predict", model.path, "rows.csv"]) == expected)
        // summary and evaluate read character models, and say what this one lacks.
        let incomplete = "error: \(model.path): does not fit the model, a character language model whose metadata lacks a valid cell, hidden size or vocabulary"
        #expect(failure(["summary", model.path]) == incomplete)
        #expect(failure(["evaluate", model.path, "names.txt"]) == incomplete)
    }

    /// Pixel statistics stored in a model that would turn every image into NaN are refused by
    /// predict, rather than printing NaN probabilities.
    @Test func predictRefusesPixelStatisticsThatAreNotFinite() throws {
        let model = Self.data.appendingPathComponent("nan-mean.safetensors")
        let architecture = try Architecture("dense(10)")
        try architecture.build(inputShape: [784], seed: 0).save(to: model, metadata: [
            SavedModel.Key.architecture: architecture.description, SavedModel.Key.inputShape: "784",
            SavedModel.Key.pixelMean: "nan", SavedModel.Key.pixelStandardDeviation: "0.3",
        ])
        let images = Self.data.appendingPathComponent("t10k-images-idx3-ubyte")
        #expect(failure(["predict", model.path, images.path]) == "error: \(model.path): does not fit the model, expected a finite pixel mean and a positive standard deviation, found 'nan' and '0.3'")
    }

    /// An output that is one of the command's inputs, by name or through a link, is refused
    /// before anything is written: `export-onnx m.safetensors m.safetensors` replaced the model
    /// with its ONNX file, and `train csv t.csv --output t.csv` would have replaced the table.
    @Test func anOutputThatIsAnInputIsRefused() throws {
        let model = Self.data.appendingPathComponent("kept.safetensors")
        let architecture = try Architecture("dense(4, relu) dense(10)")
        try SavedModel.save(try architecture.build(inputShape: [784], seed: 0), architecture: architecture, inputShape: [784], to: model.path)
        let link = Self.data.appendingPathComponent("kept-link.safetensors")
        try? FileManager.default.removeItem(at: link)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: model)
        let before = try Data(contentsOf: model)
        let same = "expected a file other than the input \(model.path), found the same file (writing it would replace what this command reads)"
        #expect(failure(["export-onnx", model.path, model.path]) == "error: \(model.path): \(same)")
        #expect(failure(["export-torch", model.path, link.path]) == "error: \(link.path): \(same)")
        let images = Self.data.appendingPathComponent("t10k-images-idx3-ubyte")
        #expect(failure(["predict", model.path, images.path, "--output", link.path]) == "error: --output: \(same)")
        #expect(try Data(contentsOf: model) == before)

        let table = Self.data.appendingPathComponent("same.csv")
        try Data("a,b\n1,0\n2,1\n3,0\n4,1\n5,0\n".utf8).write(to: table)
        #expect(failure(["train", "csv", table.path, "--task", "binary", "--target", "b", "--output", table.path])
            == "error: --output: expected a file other than the input \(table.path), found the same file (writing it would replace what this command reads)")
        #expect(try String(contentsOf: table, encoding: .utf8).hasPrefix("a,b\n"))

        let labels = Self.data.appendingPathComponent("train-labels-idx1-ubyte")
        let labelBytes = try Data(contentsOf: labels)
        #expect(failure(["train", "mnist", "--data-dir", Self.data.path, "--epochs", "1", "--output", labels.path])
            == "error: --output: expected a file other than the input \(labels.path), found the same file (writing it would replace what this command reads)")
        #expect(try Data(contentsOf: labels) == labelBytes)

        // train text probes --output before training, as train mnist and csv do (it found out at the end).
        let text = Self.data.appendingPathComponent("same.txt")
        try Data(String(repeating: "abcabc hello ", count: 40).utf8).write(to: text)
        #expect(failure(["train", "text", text.path, "--output", text.path])
            == "error: --output: expected a file other than the input \(text.path), found the same file (writing it would replace what this command reads)")
        #expect(failure(["train", "text", text.path, "--output", "/no/such/folder/m.safetensors"])
            == "error: --output: /no/such/folder/m.safetensors: cannot be written, expected an existing folder, found no folder /no/such/folder")
    }

    /// A model with few parameters whose activations cannot fit (`conv(100000, 1)`: 313 MB of
    /// output per image) is refused by evaluate and predict for the batches of 256 they run,
    /// before any image is read or run, as train refuses it (`failsWithOneLine`).
    @Test func aModelWhoseBatchCannotFitIsRefusedBeforeRunning() throws {
        let model = Self.data.appendingPathComponent("wide.safetensors")
        let architecture = try Architecture("reshape(1,28,28) conv(100000, 1) globalavgpool dense(10)")
        try SavedModel.save(try architecture.build(inputShape: [784], seed: 0), architecture: architecture, inputShape: [784], to: model.path)
        let expected = "a batch of 256 samples through the model up to conv(100000, 1) needs"
        #expect(failure(["evaluate", model.path, "--data-dir", Self.data.path])?.contains(expected) == true)
        let images = Self.data.appendingPathComponent("t10k-images-idx3-ubyte")
        #expect(failure(["predict", model.path, images.path])?.contains(expected) == true)
        // train checks a batch of at most its training set (60 images here) and evaluation's 256,
        // whatever --batch-size says: a small model trains with any.
        #expect(failure(["train", "mnist", "--data-dir", Self.data.path, "--epochs", "1", "--hidden", "8", "--batch-size", "1000000000000000000"]) == nil)
    }

    /// A file that is neither a saved model nor text: summary and import-torch name it and say
    /// why, instead of passing on Foundation's "The file isn't in the correct format"; a file too
    /// large to be an architecture is not read, and a pipe, which could block forever, not opened.
    @Test func aBinaryArchitectureFileIsNamed() throws {
        let binary = Self.data.appendingPathComponent("binary.bin")
        try Data([0xFF, 0xFE, 0x00, 0xC3, 0x28, 0x80, 0x81]).write(to: binary)
        let expected = "error: \(binary.path): expected a readable architecture file, found not UTF-8 text"
        #expect(failure(["summary", binary.path]) == expected)
        #expect(failure(["import-torch", binary.path, "--model", binary.path, "--output", "/tmp/unused.safetensors"]) == expected)
        #expect(failure(["summary", "dense(10)", "--input-shape", "100000,100000"])?.contains("at most 2²⁶ values") == true)
        let large = Self.data.appendingPathComponent("large.txt")
        try Data(repeating: 0x20, count: ArchitectureArgument.largestFileBytes + 1).write(to: large)
        #expect(failure(["summary", large.path]) == "error: \(large.path): expected a readable architecture file, found a file of more than 1048576 bytes")
        #expect(failure(["summary", Self.data.path]) == "error: \(Self.data.path): expected a readable architecture file, found a folder")
        let pipe = Self.data.appendingPathComponent("pipe")
        #expect(mkfifo(pipe.path, 0o600) == 0)
        #expect(failure(["summary", pipe.path]) == "error: \(pipe.path): expected a readable architecture file, found something that is not a regular file")
    }

    /// The real executable, stdout redirected to a file, interrupted by SIGINT after its first
    /// epoch: it says so, saves the model, exits 1, and the log holds the epoch lines printed.
    @Test func sigintStopsBetweenStepsSavesAndKeepsTheLog() throws {
        let executable = try #require(Self.neuriteExecutable(), "the neurite executable was not built next to the tests")
        let folder = Self.data
        let log = folder.appendingPathComponent("log.txt"), model = folder.appendingPathComponent("stopped.safetensors")
        #expect(FileManager.default.createFile(atPath: log.path, contents: nil))
        let process = Process()
        process.executableURL = executable
        process.arguments = ["train", "mnist", "--data-dir", folder.path, "--epochs", "100000", "--hidden", "8", "--output", model.path]
        process.standardOutput = try FileHandle(forWritingTo: log)
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        for _ in 0..<3_000 where !((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("epoch 1/") { usleep(10_000) }
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 1)
        #expect(stderr.contains("error: training: expected 100000 epochs, stopped by SIGINT during epoch"), "\(stderr)")
        #expect(try String(contentsOf: log, encoding: .utf8).contains("epoch 1/100000"))
        #expect(try String(contentsOf: log, encoding: .utf8).contains("saved \(model.path)"))
        #expect(try Safetensors.read(from: model).metadata["neurite.architecture"] == "dense(8, relu) dense(10)")
    }

    static func neuriteExecutable() -> URL? {
        let folders = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(), Bundle.main.bundleURL]
        for folder in folders {
            var current = folder
            for _ in 0..<4 {
                let url = current.appendingPathComponent("neurite")
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
                current = current.deletingLastPathComponent()
            }
        }
        return nil
    }
}
