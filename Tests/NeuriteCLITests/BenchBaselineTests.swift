import Testing
@testable import NeuriteCLI

/// `neurite bench --baseline`: this build against another, process by process.
@Suite("neurite bench --baseline")
struct BenchBaselineTests {
    private func result(_ samplesPerSecond: Double, peak: Double?) -> WorkloadResult {
        WorkloadResult(samplesPerSecond: samplesPerSecond, systemAllocationsPerStep: 0, peakGFLOPS: peak)
    }

    @Test func comparesTheMediansAndTheSharesOfEachProcesssPeak() throws {
        var comparison = BaselineComparison(executable: "/old/neurite")
        // Three rounds. The baseline's processes caught the host at different speeds (its rows and
        // GEMMs alike): the ratio of the medians says 1.25×, the ratio per GEMM peak 1.00×.
        let rounds: [(ours: Double, ourPeak: Double, theirs: Double, theirPeak: Double)] = [
            (300, 100, 240, 80), (330, 100, 120, 40), (270, 90, 300, 100),
        ]
        for round in rounds {
            comparison.recordOurs(["mlp128-sgd-b64": result(round.ours, peak: round.ourPeak), "char-lstm": result(50, peak: nil)])
            comparison.recordTheirs(["mlp128-sgd-b64": result(round.theirs, peak: round.theirPeak), "char-lstm": result(40, peak: nil)])
        }
        let table = comparison.table(rows: try BenchRows(parsing: "mlp128-sgd-b64,char-lstm,lenet5-sgd-b64"))
        #expect(table.rows.count == 2)  // LeNet-5: no figures, no line
        #expect(table.rows[0] == ["MLP 784-128-10 train, batch 64", "300", "240", "1.25×", "1.00×", "3"])
        #expect(table.rows[1] == ["char-lstm", "50", "40", "1.25×", "—", "3"])
    }

    @Test func needsProcessesAndAnExecutable() {
        expectParseError(["bench", "--baseline", "/bin/sh"],
                         contains: "error: --baseline: needs --processes N (each build runs its rows in fresh processes)")
        expectParseError(["bench", "--processes", "2", "--baseline", "/nonexistent/neurite"],
                         contains: "error: --baseline: '/nonexistent/neurite' is not an executable file")
    }
}
