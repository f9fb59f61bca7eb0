/// Issue 11's speed goals, judged by `neurite bench` on the figures of the run that prints them:
/// the median over the rounds (so a lucky process cannot meet a goal on its own), against the
/// GEMM peak and the peers measured in the same run.
struct WorkloadGoal {
    enum Target {
        /// At least this fraction of the GEMM peak: samples/s × FLOP per sample over the 512³ GEMM's GFLOPS.
        case shareOfPeak(Double)
        /// At least this many times the peer's samples/s (median over median).
        case ratio(PeerBenchmark.Name, Double)
    }

    let workloadID: String
    let target: Target

    static let all: [WorkloadGoal] = [
        WorkloadGoal(workloadID: "mlp128-sgd-b64", target: .shareOfPeak(0.85)),
        WorkloadGoal(workloadID: "mlp128-sgd-b64", target: .ratio(.jax, 1.15)),
        WorkloadGoal(workloadID: "mlp128-adam-b64", target: .ratio(.pytorch, 2.5)),
        WorkloadGoal(workloadID: "mlp128-sgd-b256", target: .shareOfPeak(0.90)),
        WorkloadGoal(workloadID: "mlp512-sgd-b128", target: .shareOfPeak(0.90)),
        WorkloadGoal(workloadID: "lenet5-sgd-b64", target: .shareOfPeak(0.45)),
        WorkloadGoal(workloadID: "mlp128-infer-b1", target: .ratio(.pytorch, 10)),
        WorkloadGoal(workloadID: "mlp128-infer-b1000", target: .shareOfPeak(0.90)),
    ]

    var label: String {
        switch target {
        case let .shareOfPeak(share): return "≥ \(format(100 * share, decimals: 0))% of GEMM peak"
        case let .ratio(peer, factor): return "≥ \(format(factor, decimals: factor < 10 ? 2 : 0))× \(peer.displayName)"
        }
    }
}

extension WorkloadRounds {
    /// One line per goal: what was measured and whether the goal is met. A share of the peak is
    /// judged per round, the row's GFLOPS over the 512³ GEMM measured just before it in the same
    /// process, and the goal on the median of those shares. `bestPeakGFLOPS` (the run's fastest
    /// 512³ GEMM) is printed beside it: a median row over a best GEMM, it is lower whenever the host
    /// slows at any moment of the run, so it is shown, not judged.
    func goalTable(bestPeakGFLOPS: Double?) -> BenchTable {
        var table = BenchTable(header: ["workload", "goal", "measured (medians)", "result"], numeric: [])
        let bestPeak = [bestPeakGFLOPS, peaks.values.joined().max()].compactMap { $0 }.max()
        for goal in WorkloadGoal.all {
            guard let workload = rows.workloads.first(where: { $0.id == goal.workloadID }) else { continue }
            let ours = median(neurite[workload.id])
            var measured = "no figure", result = "—"
            switch goal.target {
            case let .shareOfPeak(share):
                let gflops = (neurite[workload.id] ?? []).map { $0 * workload.flopsPerSample / 1e9 }
                let shares = zip(gflops, peaks[workload.id] ?? []).map { $0 / $1 }
                if let paired = median(shares), let rowGFLOPS = median(gflops) {
                    measured = "\(percent(paired)) of the 512³ GEMM just before it (rounds: "
                        + shares.map(percent).joined(separator: ", ") + ")"
                    if let bestPeak {
                        measured += "; \(format(rowGFLOPS, decimals: 1)) GFLOPS = \(percent(rowGFLOPS / bestPeak)) of the run's best \(format(bestPeak, decimals: 1))"
                    }
                    result = paired >= share ? "met" : "missed"
                }
            case let .ratio(peer, factor):
                if let theirs = median(peerFigures[peer]?[workload.id]) {
                    if let ours {
                        measured = "\(format(ours / theirs, decimals: 2))× (\(format(ours, decimals: 0)) / \(format(theirs, decimals: 0)))"
                        result = ours >= factor * theirs ? "met" : "missed"
                    }
                } else {
                    measured = "\(peer.displayName) not measured (--against \(peer.rawValue))"
                }
            }
            table.append([workload.label, goal.label, measured, result])
        }
        return table
    }
}

private func percent(_ fraction: Double) -> String { format(100 * fraction, decimals: 0) + "%" }

/// The middle figure (the mean of the middle two for an even count); nil for none.
func median(_ figures: [Double]?) -> Double? {
    guard let sorted = figures?.sorted(), !sorted.isEmpty else { return nil }
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}
