import Foundation
import Neurite

/// Time to accuracy (the DAWNBench idea): wall time from the start of a training process to the
/// end of the first epoch whose MNIST test accuracy reaches the target, with the default recipe
/// of `neurite train mnist`, and the process's peak resident memory.
struct TimeToAccuracy {
    /// The recipes measured: `neurite train mnist` with these extra arguments.
    enum Recipe: CaseIterable {
        case mlp, leNet5

        var label: String { self == .mlp ? "MLP 784-128-10" : "LeNet-5" }
        var target: Double { self == .mlp ? 0.98 : 0.99 }
        var trainArguments: [String] { self == .mlp ? [] : ["--model", "lenet"] }
        var peerModel: String { self == .mlp ? "mlp" : "lenet" }
    }

    /// Seconds from process start to the target (nil: not reached in the recipe's epochs).
    let seconds: Double?
    /// The best test accuracy seen, and after how many epochs the run stopped.
    let accuracy: Double
    let epochs: Int
    /// Peak RSS of the run up to when it stopped (VmHWM), in bytes.
    let peakResidentBytes: Int?

    /// Runs `neurite train mnist` (this executable) as a child, reading its epoch lines.
    static func neurite(_ recipe: Recipe) throws -> TimeToAccuracy {
        let child = try JSONLineChild(executable: currentExecutable, arguments: ["train", "mnist"] + recipe.trainArguments)
        return try follow(child, target: recipe.target) { line in
            // "epoch 1/5  lr 0.0200  loss 0.2400  train 92.90%  test 96.10%  …"
            guard line.hasPrefix("epoch"), let range = line.range(of: "test ") else { return nil }
            return Double(line[range.upperBound...].prefix { $0 != "%" }).map { $0 / 100 }
        }
    }

    /// Runs the same recipe in PyTorch (`peer_bench.py time-to-accuracy`).
    static func pytorch(_ recipe: Recipe, python: PythonInterpreter, threads: Int) throws -> TimeToAccuracy {
        let child = try python.start([
            "time-to-accuracy", "--peer", "pytorch", "--model", recipe.peerModel, "--mnist", MNIST.bundledDirectory.path,
            "--target", String(recipe.target), "--threads", String(threads),
        ], threads: threads)
        let greeting = try child.readReply()
        if let failure = greeting["error"] as? String { throw JSONLineChild.Unavailable(reason: failure) }
        return try follow(child, target: recipe.target) { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["test_accuracy"] as? Double
        }
    }

    /// Reads the child's lines until one reports an accuracy ≥ target (then stops the child) or
    /// the output ends; the peak RSS is read on each epoch line, while the child is alive.
    private static func follow(_ child: JSONLineChild, target: Double, accuracy parse: (String) -> Double?) throws -> TimeToAccuracy {
        var best = 0.0, epochs = 0, peak: Int?
        while let line = try child.readLine() {
            guard let accuracy = parse(line) else { continue }
            let elapsed = (ContinuousClock.now - child.started).seconds
            peak = child.peakResidentBytes ?? peak
            epochs += 1
            best = max(best, accuracy)
            if accuracy >= target {
                child.stop()
                return TimeToAccuracy(seconds: elapsed, accuracy: accuracy, epochs: epochs, peakResidentBytes: peak)
            }
        }
        child.stop()
        guard epochs > 0 else { throw JSONLineChild.Unavailable(reason: "the training run printed no epoch (exit status \(child.process.terminationStatus))") }
        return TimeToAccuracy(seconds: nil, accuracy: best, epochs: epochs, peakResidentBytes: peak)
    }
}

/// The path of this executable, for the child processes of `--processes` and time to accuracy.
var currentExecutable: String {
    #if os(Linux)
    if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
    #endif
    return Bundle.main.executablePath ?? CommandLine.arguments[0]
}

/// The time-to-accuracy and memory rows of `neurite bench --time-to-accuracy`.
struct TimeToAccuracyReport {
    let rows: [(recipe: TimeToAccuracy.Recipe, neurite: Result<TimeToAccuracy, any Error>, pytorch: Result<TimeToAccuracy, any Error>?)]

    /// Each recipe by Neurite, then by PyTorch when `pytorch` (its Python) is given.
    static func measure(pytorch: Result<PythonInterpreter, any Error>?, threads: Int) -> TimeToAccuracyReport {
        StandardStreams.printError("neurite bench: training to accuracy, minutes…\n")
        return TimeToAccuracyReport(rows: TimeToAccuracy.Recipe.allCases.map { recipe in
            (recipe, Result { try TimeToAccuracy.neurite(recipe) },
             pytorch.map { python in Result { try TimeToAccuracy.pytorch(recipe, python: python.get(), threads: threads) } })
        })
    }

    var table: BenchTable {
        var table = BenchTable(
            header: ["time to accuracy", "target", "Neurite", "peak RSS", "PyTorch", "peak RSS", "ratio"], numeric: [1, 2, 3, 4, 5, 6])
        func cells(_ outcome: Result<TimeToAccuracy, any Error>?) -> [String] {
            switch outcome {
            case nil: return ["not run", ""]
            case let .failure(error)?: return ["— (\(error))", ""]
            case let .success(run)?:
                let time = run.seconds.map { String(format: "%.1f s (%ld ep.)", $0, run.epochs) }
                    ?? String(format: "not reached (%.2f%%)", 100 * run.accuracy)
                return [time, run.peakResidentBytes.map { "\($0 / 1_000_000) MB" } ?? "n/a"]
            }
        }
        for (recipe, neurite, pytorch) in rows {
            let ours = (try? neurite.get())?.seconds, theirs = (try? pytorch?.get())?.seconds
            let speedup = ours.flatMap { ours in theirs.map { $0 / ours } }
            table.append([recipe.label, String(format: "%.1f%%", 100 * recipe.target)] + cells(neurite) + cells(pytorch)
                + [speedup.map(ratio) ?? ""])
        }
        return table
    }

    static let footnote = "time to accuracy: wall time from the start of the training process (`neurite train mnist`, "
        + "`--model lenet`; PyTorch: scripts/peer_bench.py time-to-accuracy, the same recipe: batch 64, SGD lr 0.02 momentum 0.9, "
        + "cosine decay per epoch over 10 epochs, He/Xavier initialization, standardized pixels) to the end of the first "
        + "epoch whose test accuracy reaches the target, data loading included; the run stops there. peak RSS: the "
        + "process's VmHWM up to that epoch."
}
