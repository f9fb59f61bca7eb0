import Foundation
import Neurite

/// `neurite bench`'s recurrent rows: a character language model training step (vocabulary 64,
/// one-hot inputs, one recurrent layer of 128 units, batch 32 × 64 steps, cross-entropy on every
/// step, Adam, clip-by-norm 5, the state carried across steps), in tokens/s, each row followed
/// at once, with `--against pytorch`, by the same workload in PyTorch (`scripts/bench_recurrent.py`,
/// by the Python of the other peers), so both see the same load.
///
/// Measured once per round of ``WorkloadRounds``: with `--processes`, Neurite's figures come from
/// the round's fresh process (`bench --workloads-only` prints them after the workloads), and the
/// rows report the best, min and median over the processes; the goal is judged on the medians.
struct RecurrentBench {
    static let vocabulary = 64, hidden = 128, steps = 64, batch = 32
    /// Windows per timed call: a call is one pass of `trainEpoch` over them.
    static let windowsPerCall = 4
    /// The speed-up over PyTorch issue #14 asks for.
    static let goal = 1.2

    let threads: Int, minimumSeconds: Double, rows: BenchRows
    /// The Python of `--against pytorch`; nil when PyTorch was not asked for.
    let pytorchPython: Result<PythonInterpreter, any Error>?
    /// Per cell, the tokens/s of each round: Neurite's and PyTorch's.
    private(set) var neurite: [RecurrentCell: [Double]] = [:], pytorch: [RecurrentCell: [Double]] = [:]
    private(set) var failures: [RecurrentCell: String] = [:], peerFailure: String?

    init(threads: Int, minimumSeconds: Double, rows: BenchRows = .all, pytorch: Result<PythonInterpreter, any Error>?) {
        self.threads = threads
        self.minimumSeconds = minimumSeconds
        self.rows = rows
        pytorchPython = pytorch
    }

    /// The id of a cell's row in the JSON lines of `bench --workloads-only`.
    static func id(_ cell: RecurrentCell) -> String { "char-" + cell.rawValue }

    /// One round: each cell by Neurite (`fresh`: the figures of the round's child process, by
    /// ``id(_:)``; nil: measured here), then at once by PyTorch.
    mutating func measure(fresh: [String: Double]?) {
        for cell in rows.recurrentCells {
            if let fresh {
                if let figure = fresh[Self.id(cell)] { neurite[cell, default: []].append(figure) }
            } else {
                do { neurite[cell, default: []].append(try Self.measure(cell, minimumSeconds: minimumSeconds)) } catch {
                    failures[cell] = "\(error)"
                }
            }
            guard let pytorchPython else { continue }
            do {
                let speed = try Self.pytorchTokensPerSecond(cell, python: pytorchPython.get(), threads: threads, seconds: minimumSeconds)
                pytorch[cell, default: []].append(speed)
            } catch {
                peerFailure = "\(error)"
            }
        }
    }

    /// The child's part of a round (`bench --workloads-only`): one JSON line per cell.
    static func emitForParent(minimumSeconds: Double, rows: BenchRows) throws {
        for cell in rows.recurrentCells {
            guard let speed = try? measure(cell, minimumSeconds: minimumSeconds) else { continue }
            print(String(decoding: try JSONSerialization.data(withJSONObject: ["id": id(cell), "samples_per_second": speed]), as: UTF8.self))
            fflush(nil)
        }
    }

    /// The rows as a table of their own: best (and, over several rounds, min and median) of each
    /// side; the ratio and the goal on the medians.
    func table(showsSpread: Bool) -> BenchTable {
        let spread = showsSpread ? ["min", "median"] : []
        var table = BenchTable(
            header: ["recurrent workload", "unit", "Neurite"] + spread + ["PyTorch"] + spread + ["ratio", "goal", "result"],
            numeric: Set(2..<(5 + 2 * spread.count)))
        for cell in rows.recurrentCells {
            let label = "char \(cell == .simple ? "SimpleRNN" : cell.rawValue.uppercased()) 64-128, 32×64, Adam, clip 5"
            let ours = (neurite[cell] ?? []).sorted(), theirs = (pytorch[cell] ?? []).sorted()
            func figures(_ values: [Double]) -> [String] {
                guard let best = values.last else { return ["—"] + spread.map { _ in "" } }
                return [format(best, decimals: 0)] + (showsSpread ? [format(values[0], decimals: 0), format(median(values)!, decimals: 0)] : [])
            }
            var row = [label, "tokens/s"] + figures(ours) + figures(theirs)
            if ours.isEmpty {
                row += ["", "≥ 1.2×", "unavailable (\(failures[cell] ?? "no figure"))"]
            } else if theirs.isEmpty {
                row += ["", "≥ 1.2×", pytorchPython == nil ? "PyTorch not measured (--against pytorch)" : "PyTorch n/a (\(peerFailure ?? "no figure"))"]
            } else {
                let speedUp = median(ours)! / median(theirs)!
                row += [ratio(speedUp), "≥ 1.2×", speedUp >= Self.goal ? "met" : "missed"]
            }
            table.append(row)
        }
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

    /// PyTorch's tokens/s on the same workload: `scripts/bench_recurrent.py` in a child process.
    static func pytorchTokensPerSecond(_ cell: RecurrentCell, python: PythonInterpreter, threads: Int, seconds: Double) throws -> Double {
        let child = try python.start(
            ["--cell", cell.rawValue, "--threads", String(threads), "--seconds", String(seconds)], threads: threads, script: "bench_recurrent.py")
        defer { child.stop() }
        guard let speed = try child.readReply()["tokens_per_second"] as? Double else {
            throw JSONLineChild.Unavailable(reason: "scripts/bench_recurrent.py printed no tokens_per_second")
        }
        return speed
    }
}
