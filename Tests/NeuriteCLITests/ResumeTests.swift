import Foundation
import Neurite
import Testing

/// The acceptance test of checkpoints: a real `neurite train` process killed with SIGKILL after
/// epoch 2's checkpoint, then resumed, ends bit-identical to a run that was never interrupted.
@Suite("neurite train --checkpoint / --resume")
struct ResumeTests {
    /// The `neurite` executable built next to the test bundle.
    static var executable: URL? {
        let places = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
                      URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        return places.map { $0.appendingPathComponent("neurite") }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    @Test func killedRunResumesBitIdentical() throws {
        let neurite = try #require(Self.executable, "no neurite executable next to \(Bundle.main.bundleURL.path)")
        let data = try SyntheticDigits.write(trainCount: 1000, testCount: 50)
        let common = ["train", "mnist", "--data-dir", data.path, "--epochs", "3", "--model", "dense(32, relu) dropout(0.1) dense(10)", "--batch-size", "16"]
        let full = data.appendingPathComponent("full.safetensors"), resumed = data.appendingPathComponent("resumed.safetensors")
        let checkpoint = data.appendingPathComponent("checkpoint")

        let uninterrupted = try run(neurite, common + ["--output", full.path])
        #expect(uninterrupted.status == 0, "\(uninterrupted.output)")

        // Start the same run with checkpoints and kill it as soon as epoch 2's is committed.
        let child = Process()
        child.executableURL = neurite
        child.arguments = common + ["--checkpoint", checkpoint.path]
        child.standardOutput = Pipe()
        try child.run()
        let manifest = checkpoint.appendingPathComponent(Checkpoint.manifestName)
        while child.isRunning, (try? Checkpoint.read(from: checkpoint))?.epoch != 2 { usleep(2_000) }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal, "the run finished before it could be killed")
        #expect(try Checkpoint.read(from: checkpoint).epoch == 2, "\(manifest.path)")

        let continued = try run(neurite, common + ["--resume", checkpoint.path, "--output", resumed.path])
        #expect(continued.status == 0, "\(continued.output)")
        #expect(try Safetensors.read(from: resumed).tensors == Safetensors.read(from: full).tensors)
        // The resumed run prints epoch 3 exactly as the uninterrupted one (timings aside).
        func figures(_ output: String) -> [String] {
            output.split(separator: "\n").filter { $0.hasPrefix("epoch 3/3") }.map { $0.components(separatedBy: "%  ").dropLast().joined() }
        }
        #expect(!figures(uninterrupted.output).isEmpty && figures(continued.output) == figures(uninterrupted.output))
    }

    private func run(_ executable: URL, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process(), pipe = Pipe()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}
