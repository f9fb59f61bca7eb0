import Foundation
import Neurite

/// `neurite bench`'s recurrent rows: a character language model training step (vocabulary 64,
/// one-hot inputs, one recurrent layer of 128 units, batch 32 × 64 steps, cross-entropy on every
/// step, Adam, clip-by-norm 5, the state carried across steps), in tokens/s, each row followed
/// at once by the same workload in PyTorch (`scripts/bench_recurrent.py`), so both see the same load.
struct RecurrentBench {
    static let vocabulary = 64, hidden = 128, steps = 64, batch = 32
    /// Windows per timed call: a call is one pass of `trainEpoch` over them.
    static let windowsPerCall = 4
    /// The speed-up over PyTorch issue #14 asks for.
    static let goal = 1.2

    /// One row per cell: Neurite's tokens/s and, when python3 with torch runs the peer script,
    /// PyTorch's from the same run (or why not).
    static func rows(threads: Int, minimumSeconds: Double) -> [[String]] {
        RecurrentCell.allCases.map { cell in
            let label = "char \(cell == .simple ? "SimpleRNN" : cell.rawValue.uppercased()) 64-128, 32×64, Adam, clip 5"
            let ours = Result { try measure(cell, minimumSeconds: minimumSeconds) }
            let theirs = Result { try pytorchTokensPerSecond(cell, threads: threads, seconds: minimumSeconds) }
            switch (ours, theirs) {
            case let (.success(speed), .success(peer)):
                let ratio = speed / peer
                return [label, "tokens/s", format(speed), "PyTorch " + format(peer), String(format: "%.2f×", ratio), "≥ 1.2×", ratio >= goal ? "met" : "missed"]
            case let (.success(speed), .failure(error)):
                return [label, "tokens/s", format(speed), "PyTorch n/a (\(error))", "", "≥ 1.2×", ""]
            case let (.failure(error), _):
                return [label, "tokens/s", "—", "", "", "≥ 1.2×", "unavailable (\(error))"]
            }
        }
    }

    /// The rows as a table of their own.
    static func table(_ rows: [[String]]) -> BenchTable {
        var table = BenchTable(header: ["recurrent workload", "unit", "Neurite", "reference (same run)", "ratio", "goal", "result"], numeric: [2, 4])
        rows.forEach { table.append($0) }
        return table
    }

    /// Tokens/s of `trainEpoch` on a random text over a 64-character vocabulary.
    static func measure(_ cell: RecurrentCell, minimumSeconds: Double) throws -> Double {
        var generator = RandomGenerator(seed: 5)
        let alphabet = (0..<vocabulary).map { Character(UnicodeScalar(0x30 + $0)!) }
        let text = String((0...batch * steps * windowsPerCall).map { _ in alphabet[Int(generator.next() % UInt64(vocabulary))] })
        let corpus = try TextCorpus(text)
        let windows = try corpus.windows(batchSize: batch, sequenceLength: steps)
        var model = CharacterLanguageModel(vocabulary: corpus.vocabulary, cell: cell, hiddenSize: hidden, seed: 1)
        var optimizer = Adam()
        let seconds = try bestSecondsPerCall(minimumSeconds: minimumSeconds) {
            _ = try trainEpoch(&model, optimizer: &optimizer, on: windows, clipping: .norm(5))
        }
        return Double(windows.count * batch * steps) / seconds
    }

    struct PeerUnavailable: Error, CustomStringConvertible {
        let description: String
    }

    /// The peer script's tokens/s, run by `NEURITE_TORCH_PYTHON` (default `python3`) from the
    /// current directory (the repository root).
    static func pytorchTokensPerSecond(_ cell: RecurrentCell, threads: Int, seconds: Double) throws -> Double {
        let script = "scripts/bench_recurrent.py"
        guard FileManager.default.fileExists(atPath: script) else { throw PeerUnavailable(description: "run from the repository root") }
        let process = Process(), output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let python = ProcessInfo.processInfo.environment["NEURITE_TORCH_PYTHON"] ?? "python3"
        process.arguments = [python, script, "--cell", cell.rawValue, "--threads", String(threads), "--seconds", String(seconds)]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw PeerUnavailable(description: "\(python) could not be started") }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let reply = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let speed = reply["tokens_per_second"] as? Double
        else { throw PeerUnavailable(description: "\(python) has no torch; set NEURITE_TORCH_PYTHON") }
        return speed
    }

    private static func format(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        return digits.reversed().enumerated()
            .map { index, digit in index > 0 && index % 3 == 0 ? "\(digit)," : "\(digit)" }
            .reversed().joined()
    }
}
