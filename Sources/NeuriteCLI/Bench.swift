import ArgumentParser
import Foundation
import Neurite

/// `neurite bench`: the speed of this build on this machine, in one table — the GEMM against the
/// machine's peak and against NumPy measured in the same run, and the issue #3 workloads against
/// PyTorch's figures for this machine type.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure GEMM and training/inference speed, against NumPy (same run) and PyTorch (reference figures).")

    @Flag(help: "Fewer GEMM sizes and shorter measurements: a smoke test, not figures to quote.")
    var quick = false

    @Option(help: "Threads for the GEMM (and for NumPy's BLAS). Default: NEURITE_THREADS, else all CPUs.")
    var threads: Int?

    @Flag(help: "Skip the NumPy comparison (it needs python3 with numpy).")
    var noNumpy = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        if let threads { KernelInfo.threadCount = threads }
        let machine = BenchMachine.current()
        let gemmSeconds = quick ? 0.05 : 0.2, workloadSeconds = quick ? 0.2 : 1.0
        let shapes = (quick ? [64, 256] : [64, 128, 256, 512, 1024, 2048]).map(GEMMShape.square) + GEMMShape.training
        FileHandle.standardError.write(Data("neurite bench: measuring, about \(quick ? 5 : 25) s…\n".utf8))

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
        let workloads = Workload.all.map { workload in
            (workload, Result { try workload.measure(minimumSeconds: workloadSeconds) })
        }

        print("neurite bench\(quick ? " --quick (short runs, for a smoke test only)" : "")")
        print(machine.summary)
        print()
        print(table(machine: machine, gemm: gemm, workloads: workloads).rendered)
        print()
        print(footnotes(machine: machine, numpy: numpy, gemmSeconds: gemmSeconds, workloadSeconds: workloadSeconds))
    }

    private func table(
        machine: BenchMachine, gemm: [(shape: GEMMShape, neurite: Double, numpy: Double?)],
        workloads: [(Workload, Result<WorkloadResult, any Error>)]
    ) -> BenchTable {
        var table = BenchTable(
            header: ["benchmark", "unit", "Neurite", "% peak", "reference", "ratio", "allocs/step", "goal", "result"],
            numeric: [2, 3, 4, 5, 6])
        for (shape, gflops, reference) in gemm {
            table.append([
                shape.label, "GFLOPS", format(gflops, decimals: 1),
                machine.peakGFLOPS.map { format(100 * gflops / $0, decimals: 0) + "%" } ?? "n/a",
                reference.map { "NumPy " + format($0, decimals: 1) } ?? "NumPy n/a",
                reference.map { ratio(gflops / $0) } ?? "", "", "", "",
            ])
        }
        for (workload, outcome) in workloads {
            // Rows without a PyTorch figure are held against SGD momentum on the same model and batch.
            let baseline = workloads.first { candidate, _ in
                candidate.optimizer == .sgdMomentum && candidate.training && candidate.architecture == workload.architecture
                    && candidate.batchSize == workload.batchSize
            }
            let referenceSpeed = workload.pytorchSamplesPerSecond ?? (try? baseline?.1.get())?.samplesPerSecond
            let reference = workload.pytorchSamplesPerSecond.map { "PyTorch " + format($0, decimals: 0) }
                ?? "SGD " + (referenceSpeed.map { format($0, decimals: 0) } ?? "n/a")
            let goal = "≥ " + String(format: workload.goal < 1 ? "%.2f×" : "%g×", workload.goal)
            switch outcome {
            case let .success(result):
                guard let referenceSpeed else {
                    table.append([workload.label, "samples/s", format(result.samplesPerSecond, decimals: 0), "", reference, "—",
                                  format(result.systemAllocationsPerStep, decimals: 2), goal, "no SGD row to compare"])
                    continue
                }
                let speedup = result.samplesPerSecond / referenceSpeed
                table.append([
                    workload.label, "samples/s", format(result.samplesPerSecond, decimals: 0), "", reference, ratio(speedup),
                    format(result.systemAllocationsPerStep, decimals: 2), goal, speedup >= workload.goal ? "met" : "missed",
                ])
            case let .failure(error):
                table.append([workload.label, "samples/s", "—", "", reference, "—", "", goal, "unavailable (\(shortReason(error)))"])
            }
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
                + "same load, with OPENBLAS_NUM_THREADS=\(machine.threads). "
                + "\(NumPyReference.removedVariables.joined(separator: " and ")) are removed from its environment, where "
                + "set: this machine's environment may set them for other tools, and they make OpenBLAS use slower kernels "
                + "than it detects by itself (\(reference.removed.isEmpty ? "neither was set in this run" : "removed in this run: " + reference.removed.joined(separator: ", ")))."
        case let .failure(unavailable):
            numpyNote = "NumPy: n/a — \(unavailable.reason)."
        }
        return [
            "peak: \(machine.coresUsed) core\(machine.coresUsed == 1 ? "" : "s") × 32 fp32 flops/cycle (AVX2+FMA: 2 FMA units × 8 floats × 2 flops) × the "
                + "\"cpu MHz\" of /proc/cpuinfo, which under a hypervisor is the nominal clock, not the boost clock.",
            "GEMM: C = op(A)·op(B), fp32, row-major, kernel only (buffers allocated once); best of 10 ms batches "
                + "over ≥ \(format(gemmSeconds, decimals: 2)) s per shape. The last three are the products of a "
                + "784→128 dense layer at batch 64 (forward, weight gradient, input gradient).",
            numpyNote,
            "workloads: synthetic MNIST-shaped data (standard normal [n, 784] inputs, labels 0–9, seeded). Training "
                + "steps are the library's trainEpoch, as `neurite train` runs it (gather, forward, cross-entropy, "
                + "backward, SGD momentum 0.9 or Adam); inference is the model call under withoutGradient. samples/s of the "
                + "fastest 32-step pass (inference: 10 ms batch) over ≥ \(format(workloadSeconds, decimals: 1)) s after a "
                + "warm-up pass: the figure least disturbed by other work on the machine, as for the GEMM.",
            "PyTorch: reference figures measured in 2026 on this machine type, not in this run; goal: the ratio issue #3 asks for.",
            "Adam: held against the SGD-momentum row of the same model and batch in this run; goal (issue #7): an Adam step "
                + "costs at most 10% more than an SGD-momentum step, a speed ratio of at least 1/1.1.",
            "allocs/step: tensor buffers the buffer pool had to take from the system allocator per step in steady state "
                + "(0 = all recycled). Total malloc calls per step (arrays, closures, autograd nodes) are measured by "
                + "the package-benchmark suite in Benchmarks/ (mallocCountTotal).",
        ].map { wrapped($0) }.joined(separator: "\n")
    }
}

private func format(_ value: Double, decimals: Int) -> String {
    guard decimals == 0 else { return String(format: "%.\(decimals)f", value) }
    // Thousands separators: samples/s run to six digits.
    let digits = String(Int(value.rounded()))
    return digits.reversed().enumerated()
        .map { index, digit in index > 0 && index % 3 == 0 ? "\(digit)," : "\(digit)" }
        .reversed().joined()
}

/// Why a workload could not run, short enough for a table cell: the list of known layers that
/// `ArchitectureError` carries is for users writing architectures, not for this table.
private func shortReason(_ error: any Error) -> String {
    if case let .unknownLayer(name, _)? = error as? ArchitectureError { return "no '\(name)' layer in this build" }
    return "\(error)"
}

/// A footnote broken into lines of at most `width` characters, continuation lines indented.
private func wrapped(_ text: String, width: Int = 110) -> String {
    var lines: [String] = [], line = ""
    for word in text.split(separator: " ") {
        if !line.isEmpty && line.count + 1 + word.count > width {
            lines.append(line)
            line = "   "
        }
        line += (line.isEmpty || line == "   " ? "" : " ") + word
    }
    return (lines + [line]).joined(separator: "\n")
}

private func ratio(_ value: Double) -> String { String(format: "%.2f×", value) }
