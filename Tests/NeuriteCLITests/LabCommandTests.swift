import Foundation
import Testing
@testable import NeuriteCLI

/// `neurite lab` and the diagnostics options of `neurite train`, end to end.
@Suite("neurite lab and train diagnostics")
struct LabCommandTests {
    private func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-lab-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func unknownExperimentIsRejectedWithTheList() {
        do {
            _ = try NeuriteCommand.parseAsRoot(["lab", "wobble"])
            Issue.record("lab wobble was accepted")
        } catch {
            let message = NeuriteCommand.message(for: error)
            #expect(message.contains("unknown experiment 'wobble'") && message.contains("end-to-end"))
        }
    }

    @Test func labWritesFiguresAndSummary() throws {
        let output = try temporaryDirectory()
        var lab = try NeuriteCommand.parseAsRoot(["lab", "vanishing", "--quick", "--output", output.path])
        try lab.run()
        let names = try FileManager.default.contentsOfDirectory(atPath: output.path).sorted()
        #expect(names == ["summary.json", "vanishing.png", "vanishing.svg"])
    }

    @Test func trainRecordsDiagnosticsAndDrawsPlots() throws {
        let data = try SyntheticDigits.write(trainCount: 200, testCount: 50)
        let output = try temporaryDirectory()
        let file = output.appendingPathComponent("diagnostics.jsonl"), plots = output.appendingPathComponent("plots")
        var train = try NeuriteCommand.parseAsRoot([
            "train", "mnist", "--data-dir", data.path, "--epochs", "3", "--hidden", "16", "--batch-size", "8",
            "--diagnostics", file.path, "--plots", plots.path,
        ])
        try train.run()
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)  // 25 steps per epoch, measured every 50 steps: steps 1 and 51 of 75
        #expect(lines[0].contains("\"layer\":\"layers.0\"") && lines[0].contains("\"update_to_weight_ratio\""))
        let figures = try FileManager.default.contentsOfDirectory(atPath: plots.path).sorted()
        #expect(figures == ["curves.png", "diagnostics.png", "first-layer.png"])
    }
}
