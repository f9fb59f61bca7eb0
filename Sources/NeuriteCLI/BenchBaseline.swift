import Foundation

/// `neurite bench --baseline <neurite>`: this build against another build of Neurite, each round's
/// rows measured by both in fresh processes, one right after the other.
///
/// WHY in the same run: on a shared host the speed of a row moves by up to 2× from one minute to
/// the next, more than most changes are worth, so figures of the old build from an earlier run
/// say nothing about a change. Alternated process by process (and which goes first alternated by
/// round), both builds see the same phases of the host; medians over the rounds, and the ratio
/// of the rows' shares of the 512³ GEMM measured just before them, which also cancels a host that
/// changed speed between the two processes of a round.
struct BaselineComparison {
    /// The other build's `neurite` executable.
    let executable: String
    /// Per row id, per round: this build's and the baseline's results.
    private(set) var ours: [String: [WorkloadResult]] = [:], theirs: [String: [WorkloadResult]] = [:]
    /// Why the baseline printed no figures, when it did not.
    private(set) var failure: String?

    init(executable: String) {
        self.executable = executable
    }

    /// Records one round's figures of this build (a fresh process's, by row id).
    mutating func recordOurs(_ results: [String: WorkloadResult]) {
        for (id, result) in results { ours[id, default: []].append(result) }
    }

    /// Runs the baseline's part of one round in a fresh process.
    mutating func measureTheirs(arguments: [String]) {
        do {
            let results = try WorkloadRounds.measureInChild(executable: executable, arguments: arguments)
            if results.isEmpty { failure = "printed no figures (a build older than `bench --rows`?)" }
            recordTheirs(results)
        } catch {
            failure = "\(error)"
        }
    }

    /// Records one round's figures of the baseline, by row id.
    mutating func recordTheirs(_ results: [String: WorkloadResult]) {
        for (id, result) in results { theirs[id, default: []].append(result) }
    }

    /// One line per selected row that both builds measured.
    func table(rows: BenchRows) -> BenchTable {
        var table = BenchTable(
            header: ["workload", "this build (median)", "baseline (median)", "ratio", "ratio per GEMM peak", "rounds"],
            numeric: [1, 2, 3, 4, 5])
        for id in BenchRows.knownIDs where rows.contains(id) {
            let mine = ours[id] ?? [], other = theirs[id] ?? []
            guard let ourMedian = median(mine.map(\.samplesPerSecond)), let theirMedian = median(other.map(\.samplesPerSecond)) else { continue }
            let perPeak = median(mine.compactMap(Self.perPeak)).flatMap { o in median(other.compactMap(Self.perPeak)).map { o / $0 } }
            table.append([
                Self.label(id), format(ourMedian, decimals: 0), format(theirMedian, decimals: 0), ratio(ourMedian / theirMedian),
                perPeak.map(ratio) ?? "—", "\(min(mine.count, other.count))",
            ])
        }
        return table
    }

    var footnote: String {
        "baseline: \(executable), the same rows in a fresh process next to each of this build's (after it in "
            + "the first, third, … round, before it in the others); medians over the rounds, ratio = this build's "
            + "over the baseline's. ratio per GEMM peak: the same with each process's figure divided by the 512³ GEMM "
            + "it measured just before the row (recurrent rows have none)."
            + (failure.map { " The baseline failed: \($0)." } ?? "")
    }

    private static func perPeak(_ result: WorkloadResult) -> Double? {
        result.peakGFLOPS.map { result.samplesPerSecond / $0 }
    }

    private static func label(_ id: String) -> String {
        Workload.all.first { $0.id == id }?.label ?? id
    }
}
