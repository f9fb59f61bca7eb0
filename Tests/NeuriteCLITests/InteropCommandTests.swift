import Foundation
import Neurite
import Testing
@testable import NeuriteCLI

/// import-torch, export-torch, import-onnx, export-onnx and predict, run end to end on the PyTorch fixtures of
/// the library's tests.
@Suite("neurite interop commands")
struct InteropCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../NeuriteTests/Fixtures/torch")

    @Test func importExportAndPredictAgreeWithTheFixtures() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-interop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = Self.fixtures.appendingPathComponent("lenet.safetensors")
        let model = directory.appendingPathComponent("lenet.safetensors"), exported = directory.appendingPathComponent("torch.safetensors")
        let outputs = directory.appendingPathComponent("outputs.safetensors"), onnx = directory.appendingPathComponent("lenet.onnx")
        let samples = Self.fixtures.appendingPathComponent("mnist-test-100.safetensors")
        for arguments in [
            ["import-torch", source.path, "--model", "lenet", "--output", model.path],
            ["export-torch", model.path, exported.path],
            ["export-onnx", model.path, onnx.path],
            ["predict", model.path, samples.path, "--output", outputs.path],
        ] {
            var command = try NeuriteCommand.parseAsRoot(arguments)
            try command.run()
        }
        // conv1, conv2, fc1, fc2, fc3 come back as the indices of the printed nn.Sequential.
        let original = try Safetensors.read(from: source).tensors, back = try Safetensors.read(from: exported).tensors
        let renamed = ["conv1": "1", "conv2": "4", "fc1": "8", "fc2": "10", "fc3": "12"]
        #expect(back.count == original.count)
        for (name, tensor) in original {
            let parts = name.split(separator: ".")
            let copy = try #require(back["\(renamed[String(parts[0])]!).\(parts[1])"])
            #expect(copy.shape == tensor.shape && copy.scalars == tensor.scalars, "\(name)")
        }
        let logits = try Safetensors.read(from: outputs).tensors["outputs"]!
        let expected = try Safetensors.read(from: samples).tensors["lenet.logits"]!
        #expect(zip(logits.scalars, expected.scalars).allSatisfy { abs($0 - $1) <= 1e-4 })
        #expect(try Data(contentsOf: onnx).count > 4 * 61706)  // the weights, as raw floats
    }

    /// PyTorch's ONNX export of the LeNet-5 fixture (`scripts/make_onnx_fixtures.py`) becomes a
    /// model file that predicts PyTorch's logits; a file that is not ONNX is refused by name and
    /// nothing is written.
    @Test func importONNXMakesAModelThatGivesPyTorchsLogits() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let onnx = Self.fixtures.appendingPathComponent("../onnx/lenet.onnx").standardizedFileURL
        let model = directory.appendingPathComponent("lenet.safetensors"), outputs = directory.appendingPathComponent("outputs.safetensors")
        let samples = Self.fixtures.appendingPathComponent("mnist-test-100.safetensors")
        for arguments in [["import-onnx", onnx.path, "--output", model.path], ["predict", model.path, samples.path, "--output", outputs.path]] {
            var command = try NeuriteCommand.parseAsRoot(arguments)
            try command.run()
        }
        let expected = try Safetensors.read(from: samples).tensors["lenet.logits"]!
        let logits = try Safetensors.read(from: outputs).tensors["outputs"]!
        #expect(logits.shape == [100, 10])
        #expect(zip(logits.scalars, expected.scalars).allSatisfy { abs($0 - $1) <= 1e-4 })
        // The commands that read a model read the ONNX file itself as well: predict, and
        // export-torch (ONNX to PyTorch in one step).
        let direct = directory.appendingPathComponent("direct.safetensors"), torch = directory.appendingPathComponent("torch.safetensors")
        for arguments in [["predict", onnx.path, samples.path, "--output", direct.path], ["export-torch", onnx.path, torch.path]] {
            var command = try NeuriteCommand.parseAsRoot(arguments)
            try command.run()
        }
        #expect(try Safetensors.read(from: direct).tensors["outputs"]!.scalars == logits.scalars)
        let original = try Safetensors.read(from: Self.fixtures.appendingPathComponent("lenet.safetensors")).tensors
        #expect(try Safetensors.read(from: torch).tensors["8.weight"]?.scalars == original["fc1.weight"]!.scalars)

        let refused = directory.appendingPathComponent("refused.safetensors")
        var notONNX = try NeuriteCommand.parseAsRoot(["import-onnx", samples.path, "--output", refused.path])
        #expect { try notONNX.run() } throws: { "\($0)" == "\(samples.path): expected an ONNX model, found an integer in field 7 at byte 0, where ONNX has a message or a string" }
        #expect(!FileManager.default.fileExists(atPath: refused.path))
    }

    /// NaN or infinity in a safetensors batch is named as the input's, with its sample, before
    /// the model runs; finite inputs that overflow the model are named as the model's outputs.
    /// (Both used to reach the writer, which refused "finite weights" as if training had diverged.)
    @Test func predictNamesInputsAndOutputsThatAreNotFinite() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-predict-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = directory.appendingPathComponent("mlp.safetensors"), outputs = directory.appendingPathComponent("out.safetensors")
        var importing = try NeuriteCommand.parseAsRoot([
            "import-torch", Self.fixtures.appendingPathComponent("mlp.safetensors").path, "--model", "dense(128, relu) dense(10)", "--output", model.path,
        ])
        try importing.run()
        func predict(_ values: [Float]) throws -> String? {
            // Written by hand: Safetensors.write refuses NaN and infinity.
            let batch = directory.appendingPathComponent("batch.safetensors")
            var header = Data(#"{"images":{"data_offsets":[0,9408],"dtype":"F32","shape":[3,784]}}"#.utf8)
            while header.count % 8 != 0 { header.append(0x20) }
            var file = withUnsafeBytes(of: UInt64(header.count).littleEndian) { Data($0) } + header
            values.withUnsafeBufferPointer { file.append(Data(buffer: $0)) }
            try file.write(to: batch)
            do {
                var command = try NeuriteCommand.parseAsRoot(["predict", model.path, batch.path, "--output", outputs.path])
                try command.run()
                return nil
            } catch { return "\(error)" }
        }
        var values = [Float](repeating: 0.5, count: 3 * 784)
        #expect(try predict(values) == nil)
        values[784 + 5] = .nan
        #expect(try predict(values)?.hasSuffix("batch.safetensors: expected finite inputs, found NaN or infinity in 'images' at sample 2") == true)
        values[784 + 5] = 0.5
        for index in 2 * 784..<3 * 784 { values[index] = 3e38 }
        #expect(try predict(values) == "\(model.path): the outputs for sample 3 are NaN or infinite (its inputs are finite); nothing was written")
    }

    @Test func aStateDictThatDoesNotFitFailsNamingBothShapes() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-\(UUID().uuidString).safetensors")
        var command = try NeuriteCommand.parseAsRoot([
            "import-torch", Self.fixtures.appendingPathComponent("mlp.safetensors").path,
            "--model", "dense(64, relu) dense(10)", "--output", output.path,
        ])
        #expect { try command.run() } throws: { "\($0)".hasSuffix("mlp.safetensors: 0.weight has shape [128, 784], but Neurite layer 1 with parameters (Dense 784→64, PyTorch's Linear) needs [64, 784]") }
        #expect(!FileManager.default.fileExists(atPath: output.path))
        var badShape = try NeuriteCommand.parseAsRoot(["import-torch", "x", "--model", "lenet", "--input-shape", "0,2", "--output", "y"])
        #expect { try badShape.run() } throws: { "\($0)".contains("'0,2' is not a shape") }
    }

    /// ONNX export writes through ``AtomicFile``: a missing folder is a typed error naming it. An
    /// export refused for its shape leaves the file already there (it fails before any write, so
    /// this guards the order, not the atomic rename).
    @Test func anONNXExportThatCannotBeWrittenSaysWhyAndKeepsTheOldFile() throws {
        let network = try Architecture(Architecture.leNet5).build(inputShape: [784], seed: 0)
        #expect { try network.writeONNX(sampleShape: [784], to: URL(fileURLWithPath: "/no/such/folder/lenet.onnx")) } throws: {
            ($0 as? SerializationError).map { "\($0)" } == "/no/such/folder/lenet.onnx: cannot be written, expected an existing folder, found no folder /no/such/folder"
        }
        let kept = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-\(UUID().uuidString).onnx")
        try Data("old".utf8).write(to: kept)
        defer { try? FileManager.default.removeItem(at: kept) }
        #expect(throws: (any Error).self) { try network.writeONNX(sampleShape: [3, 3], to: kept) }
        #expect(try Data(contentsOf: kept) == Data("old".utf8))
    }
}
