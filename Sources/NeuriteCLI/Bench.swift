import ArgumentParser
import Foundation
import Neurite

/// `neurite bench`: the speed of this build on this machine — the GEMM against the machine's peak
/// and against NumPy, and the training and inference workloads against PyTorch and JAX, every
/// figure measured in the same run (no reference figure is typed into the source).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure GEMM and training/inference speed, against NumPy, PyTorch and JAX measured in the same run.")

    @Flag(help: "Fewer GEMM sizes and shorter measurements: a smoke test, not figures to quote.")
    var quick = false

    @Option(help: "Threads for the GEMM (and for NumPy's BLAS). Default: NEURITE_THREADS, else all CPUs.")
    var threads: Int?

    @Flag(help: "Skip the NumPy comparison (it needs python3 with numpy).")
    var noNumpy = false

    @Option(help: "Peers to run the workloads in the same run, comma-separated: pytorch, jax (scripts/peer_bench.py; scripts/setup_peers.sh installs them).")
    var against: String?

    @Option(help: "The Python with the peers installed. Default: NEURITE_PYTHON, else python3.")
    var python: String?

    @Option(help: "Measure Neurite's workloads in N fresh processes (one per round) and report min / median / best per row.")
    var processes: Int?

    @Option(help: ArgumentHelp(
        "Measure only these workload rows, comma-separated ids (the GEMM table still runs).",
        discussion: "Ids: \(BenchRows.knownIDs.joined(separator: ", ")).", valueName: "ids"))
    var rows: String?

    @Option(help: ArgumentHelp(
        "Another build's neurite executable: its rows run in fresh processes alternated with this build's (needs --processes).",
        discussion: "For a change's before and after: build the commit before it, then e.g. `neurite bench --rows mlp128-sgd-b64 --processes 8 --baseline /tmp/neurite-before`.",
        valueName: "path"))
    var baseline: String?

    @Flag(help: "Also time `neurite train mnist` (MLP, LeNet-5) to 98% / 99% test accuracy and its peak memory, PyTorch beside it if --against names it. Takes minutes.")
    var timeToAccuracy = false

    @Flag(help: .hidden)
    var workloadsOnly = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let processes, processes < 1 { throw ValidationError("--processes must be at least 1") }
        _ = try peerNames()
        _ = try selectedRows()
        if let baseline {
            guard processes != nil else { throw ValidationError("--baseline: needs --processes N (each build runs its rows in fresh processes)") }
            guard FileManager.default.isExecutableFile(atPath: baseline) else {
                throw ValidationError("--baseline: '\(baseline)' is not an executable file")
            }
        }
    }

    /// The rows of `--rows`, else all.
    func selectedRows() throws -> BenchRows {
        try rows.map(BenchRows.init(parsing:)) ?? .all
    }

    /// The peers of `--against`, in order.
    func peerNames() throws -> [PeerBenchmark.Name] {
        try (against ?? "").split(separator: ",").map { word in
            guard let name = PeerBenchmark.Name(rawValue: word.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw ValidationError("--against: unknown peer '\(word)' (known: pytorch, jax)")
            }
            return name
        }
    }

    func run() throws {
        if let threads { KernelInfo.threadCount = threads }
        let workloadSeconds = quick ? 0.2 : 1.0
        let selection = try selectedRows()
        if workloadsOnly {
            try WorkloadRounds.emitForParent(minimumSeconds: workloadSeconds, rows: selection)
            return try RecurrentBench.emitForParent(minimumSeconds: workloadSeconds, rows: selection)
        }
        let machine = BenchMachine.current()
        let gemmSeconds = quick ? 0.05 : 0.2
        let shapes = (quick ? [64, 256] : [64, 128, 256, 512, 1024, 2048]).map(GEMMShape.square) + GEMMShape.training
        StandardStreams.printError("neurite bench: measuring, about \(quick ? 5 : 25) s and more with peers…\n")

        let probeBefore = HostProbe.measure()
        var numpy: Result<NumPyReference, NumPyReference.Unavailable> = noNumpy
            ? .failure(.init(reason: "skipped (--no-numpy)"))
            : Result { try NumPyReference(threads: machine.threads, minimumSeconds: gemmSeconds) }
                .mapError { $0 as? NumPyReference.Unavailable ?? .init(reason: "\($0)") }
        // Each shape by Neurite, then at once by NumPy: both figures of a row see the same load.
        var gemm: [(shape: GEMMShape, neurite: Double, numpy: Double?)] = []
        for shape in shapes {
            let ours = measureGEMM(shape, minimumSeconds: gemmSeconds)
            var theirs: Double?
            if case let .success(reference) = numpy {
                do { theirs = try reference.gflops(shape) } catch {
                    numpy = .failure(error as? NumPyReference.Unavailable ?? .init(reason: "\(error)"))
                }
            }
            gemm.append((shape, ours, theirs))
        }
        let names = try peerNames()
        let interpreter = Result { try PythonInterpreter(path: python) }
        let peers = names.map { name in
            (name, Result { try PeerBenchmark(name, python: interpreter.get(), threads: machine.threads) })
        }
        var recurrent = RecurrentBench(
            threads: machine.threads, minimumSeconds: workloadSeconds, rows: selection, pytorch: names.contains(.pytorch) ? interpreter : nil)
        var rounds = WorkloadRounds(peers: peers, minimumSeconds: workloadSeconds, rows: selection)
        var comparison = baseline.map(BaselineComparison.init(executable:))
        let childArguments = (quick ? ["--quick"] : []) + ["--threads", String(machine.threads)] + selection.childArguments
        for round in 0..<(processes ?? (names.isEmpty ? 1 : 3)) {
            if round % 2 == 1 { comparison?.measureTheirs(arguments: childArguments) }
            try rounds.measure(inFreshProcess: processes != nil, childArguments: childArguments)
            comparison?.recordOurs(rounds.childResults ?? [:])
            if round % 2 == 0 { comparison?.measureTheirs(arguments: childArguments) }
            recurrent.measure(fresh: rounds.childFigures)
        }
        let probeAfter = HostProbe.measure()
        let accuracy = timeToAccuracy
            ? TimeToAccuracyReport.measure(pytorch: names.contains(.pytorch) ? interpreter : nil, threads: machine.threads) : nil

        print("neurite bench\(quick ? " --quick (short runs, for a smoke test only)" : "")")
        print(machine.summary)
        print("before: " + probeBefore.summary)
        print("after:  " + probeAfter.summary)
        print()
        print(gemmTable(machine: machine, gemm: gemm).rendered)
        if !selection.workloads.isEmpty {
            print()
            print(rounds.table(showsSpread: processes != nil).rendered)
            print()
            let tablePeak = gemm.first { $0.shape.label == GEMMShape.square(512).label }?.neurite
            print(rounds.goalTable(bestPeakGFLOPS: tablePeak).rendered)
        }
        if !selection.recurrentCells.isEmpty {
            print()
            print(recurrent.table(showsSpread: processes != nil).rendered)
        }
        if let comparison {
            print()
            let table = comparison.table(rows: selection)
            print(table.rows.isEmpty ? "baseline: no row measured by both builds (see the footnote)" : table.rendered)
        }
        if let accuracy {
            print()
            print(accuracy.table.rendered)
        }
        print()
        print(footnotes(machine: machine, numpy: numpy, gemmSeconds: gemmSeconds, workloadSeconds: workloadSeconds))
        print(rounds.footnotes(processes: processes).map { wrapped($0) }.joined(separator: "\n"))
        if accuracy != nil { print(wrapped(TimeToAccuracyReport.footnote)) }
        if let comparison { print(wrapped(comparison.footnote)) }
    }

    private func gemmTable(machine: BenchMachine, gemm: [(shape: GEMMShape, neurite: Double, numpy: Double?)]) -> BenchTable {
        var table = BenchTable(header: ["benchmark", "unit", "Neurite", "% peak", "reference", "ratio"], numeric: [2, 3, 4, 5])
        for (shape, gflops, reference) in gemm {
            table.append([
                shape.label, "GFLOPS", format(gflops, decimals: 1),
                machine.peakGFLOPS.map { format(100 * gflops / $0, decimals: 0) + "%" } ?? "n/a",
                reference.map { "NumPy " + format($0, decimals: 1) } ?? "NumPy n/a",
                reference.map { ratio(gflops / $0) } ?? "",
            ])
        }
        return table
    }

    private func footnotes(
        machine: BenchMachine, numpy: Result<NumPyReference, NumPyReference.Unavailable>, gemmSeconds: Double, workloadSeconds: Double
    ) -> String {
        let numpyNote: String
        switch numpy {
        case let .success(reference):
            numpyNote = "NumPy: \(reference.version), measured in this run by a python3 child process with the same rule "
                + "(np.matmul(a, b, out=c); .T views for the transposed forms), right after Neurite on each shape so both see the "
                + "same load, with OPENBLAS_NUM_THREADS=\(machine.threads); it answers once its threads are idle (OpenBLAS's "
                + "spin about 0.1 s after a product), so that they take no core from the next Neurite row. "
                + "\(NumPyReference.removedVariables.joined(separator: " and ")) are removed from its environment, where "
                + "set: this machine's environment may set them for other tools, and they make OpenBLAS use slower kernels "
                + "than it detects by itself (\(reference.removed.isEmpty ? "neither was set in this run" : "removed in this run: " + reference.removed.joined(separator: ", ")))."
        case let .failure(unavailable):
            numpyNote = "NumPy: n/a — \(unavailable.reason)."
        }
        return [
            machine.peakNote,
            "GEMM: C = op(A)·op(B), fp32, row-major, kernel only (buffers allocated once); best of 10 ms batches "
                + "over ≥ \(format(gemmSeconds, decimals: 2)) s per shape. The last three are the products of a "
                + "784→128 dense layer at batch 64 (forward, weight gradient, input gradient).",
            numpyNote,
            "char rows (issue #14): a character language model's training step, one-hot inputs, vocabulary 64, one "
                + "recurrent layer of 128, batch 32 × 64 steps, Adam, clip-by-norm 5, in tokens/s; PyTorch runs the same "
                + "workload right after each row with --against pytorch (scripts/bench_recurrent.py, by the Python of --python), once per round "
                + "(with --processes, Neurite's in the round's fresh process); best, min and median over the rounds, the ratio "
                + "and the goal on the medians.",
            "allocs/step: tensor buffers the buffer pool had to take from the system allocator per step in steady state "
                + "(0 = all recycled). Total malloc calls per step (arrays, closures, autograd nodes) are measured by "
                + "the package-benchmark suite in Benchmarks/ (mallocCountTotal).",
        ].map { wrapped($0) }.joined(separator: "\n")
    }
}
