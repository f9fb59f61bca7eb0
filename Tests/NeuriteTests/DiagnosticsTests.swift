import Foundation
import Testing
@testable import Neurite

@Suite("Training diagnostics")
struct DiagnosticsTests {
    private func step<Model: Layer>(_ model: inout Model, _ diagnostics: TrainingDiagnostics, inputs: Tensor, labels: [Int],
                                    optimizer: inout SGD, scale: Float = 1) throws {
        var (loss, gradients) = try valueWithGradient(of: model) { try crossEntropy(logits: $0(inputs), labels: labels) }
        if scale != 1 { gradients = Gradients(gradients.entries.map { .init(name: $0.name, parameter: $0.parameter, gradient: $0.gradient * scale) }) }
        diagnostics.prepare(model, gradients: gradients, loss: loss.scalar)
        optimizer.update(&model, along: gradients)
        try diagnostics.record(model)
    }

    @Test func measuresEveryLayerAndWritesJSONLines() throws {
        var model = Sequential {
            Dense(4, 6, activation: .relu, seed: 1)
            Dense(6, 3, seed: 2)
        }
        // A bias far below zero: no input turns the first layer's units on, all are dead.
        (model.layers[0] as! Dense).bias!.value = Tensor.full([6], -100)
        let inputs = Tensor.randomNormal([8, 4], seed: 3), labels = [0, 1, 2, 0, 1, 2, 0, 1]
        // In a directory that does not exist yet: the recorder creates it.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("diagnostics-\(UUID().uuidString)/run.jsonl")
        let diagnostics = try TrainingDiagnostics(probe: inputs, every: 2, file: file)
        var optimizer = SGD(learningRate: 0.1)
        let before = (model.layers[1] as! Dense).weight
        for _ in 0..<3 { try step(&model, diagnostics, inputs: inputs, labels: labels, optimizer: &optimizer) }

        #expect(diagnostics.records.map(\.step) == [1, 3])
        let first = diagnostics.records[0]
        #expect(first.layers.map(\.layer) == ["layers.0", "layers.1"])
        #expect(first.layers[0].deadFraction == 1 && first.layers[0].gradientNorm == 0)
        #expect(first.layers[1].deadFraction == nil)
        // Layer 1 sees only zeros from the dead layer, so its weights get no gradient and do not move.
        #expect(first.layers[1].updateToWeightRatio == 0)
        #expect((model.layers[1] as! Dense).weight == before)
        #expect(first.layers[0].activationMean == 0 && first.layers[0].activationStandardDeviation == 0)

        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        #expect(try decoder.decode(DiagnosticsRecord.self, from: Data(lines[1].utf8)) == diagnostics.records[1])
        #expect(lines[0].contains("\"gradient_norm\"") && lines[0].contains("\"dead_fraction\""))
    }

    @Test func updateRatioIsLearningRateTimesGradientOverWeight() throws {
        var model = Sequential { Dense(5, 3, seed: 4) }
        let inputs = Tensor.randomNormal([6, 5], seed: 5), labels = [0, 1, 2, 0, 1, 2]
        let weight = (model.layers[0] as! Dense).weight
        let (_, gradients) = try valueWithGradient(of: model) { try crossEntropy(logits: $0(inputs), labels: labels) }
        let weightGradient = gradients.entries.first { $0.name == "layers.0.weight" }!.gradient
        let diagnostics = try TrainingDiagnostics(probe: inputs)
        var optimizer = SGD(learningRate: 0.05)
        try step(&model, diagnostics, inputs: inputs, labels: labels, optimizer: &optimizer)
        let expected = 0.05 * Double(TensorStatistics(weightGradient).norm) / Double(TensorStatistics(weight).norm)
        #expect(abs(diagnostics.records[0].layers[0].updateToWeightRatio! - expected) < 1e-5 * expected)
        #expect(diagnostics.warnings.isEmpty)
    }

    @Test func warnsAboutVanishingExplodingAndSymmetricLayers() throws {
        let inputs = Tensor.randomNormal([16, 8], seed: 6), labels = (0..<16).map { $0 % 4 }
        var deep = Sequential((0..<12).map { Dense(8, $0 == 11 ? 4 : 8, activation: $0 == 11 ? .linear : .sigmoid, seed: UInt64($0)) })
        var messages: [String] = []
        let diagnostics = try TrainingDiagnostics(probe: inputs, every: 1) { messages.append($0) }
        var optimizer = SGD(learningRate: 0.01)
        try step(&deep, diagnostics, inputs: inputs, labels: labels, optimizer: &optimizer)
        try step(&deep, diagnostics, inputs: inputs, labels: labels, optimizer: &optimizer, scale: 1000)
        #expect(messages.contains { $0.contains("layers.0 gradient norm") && $0.contains("vanish") })
        #expect(messages.contains { $0.contains("grew") && $0.contains("explode") })
        #expect(!messages.contains { $0.contains("identical") })

        var symmetric = Sequential {
            Dense(8, 5, activation: .sigmoid, initializer: .zeros)
            Dense(5, 4, initializer: .zeros)
        }
        let second = try TrainingDiagnostics(probe: inputs)
        try step(&symmetric, second, inputs: inputs, labels: labels, optimizer: &optimizer)
        #expect(second.warnings.contains { $0.contains("all 5 units of layers.0 are identical") })
    }

    /// The JSON-lines file is opened where it is: a symbolic link is written through and stays a
    /// link (the file used to be created by a rename over the path, which replaced the link), and
    /// a write that fails is named with the file (`/dev/full`: every write fails, a full disk).
    @Test func writesThroughALinkAndNamesAFileThatCannotBeWritten() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("diagnostics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let target = folder.appendingPathComponent("target.jsonl"), link = folder.appendingPathComponent("link.jsonl")
        try Data("old\n".utf8).write(to: target)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        var model = Sequential { Dense(4, 3, seed: 1) }
        let inputs = Tensor.randomNormal([2, 4], seed: 2)
        var optimizer = SGD(learningRate: 0.1)
        try step(&model, try TrainingDiagnostics(probe: inputs, file: link), inputs: inputs, labels: [0, 1], optimizer: &optimizer)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == target.path)
        let lines = try String(contentsOf: target, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("{"))

        let full = URL(fileURLWithPath: "/dev/full")
        guard FileManager.default.fileExists(atPath: full.path) else { return }  // Linux only
        let diagnostics = try TrainingDiagnostics(probe: inputs, file: full)
        #expect(throws: SerializationError.unwritable(full, reason: "no space left on device")) {
            try step(&model, diagnostics, inputs: inputs, labels: [0, 1], optimizer: &optimizer)
        }
    }
}
