import Testing
@testable import NeuriteCLI

/// `neurite bench --rows`: which rows a run measures and judges.
@Suite("neurite bench --rows")
struct BenchRowsTests {
    @Test func keepsTheNamedRowsInTableOrder() throws {
        let rows = try BenchRows(parsing: "char-lstm, mlp128-infer-b1,mlp128-sgd-b64")
        #expect(rows.workloads.map(\.id) == ["mlp128-sgd-b64", "mlp128-infer-b1"])
        #expect(rows.recurrentCells == [.lstm])
        #expect(rows.childArguments == ["--rows", "mlp128-sgd-b64,mlp128-infer-b1,char-lstm"])
        #expect(!rows.contains("lenet5-sgd-b64"))
        #expect(BenchRows.all.workloads.count == Workload.all.count && BenchRows.all.childArguments.isEmpty)
    }

    @Test func anUnknownOrMissingIdIsAnErrorThatListsTheKnownOnes() {
        let known = "(known: mlp128-sgd-b64, mlp128-adam-b64, mlp128-sgd-b256"
        expectParseError(["bench", "--rows", "mlp128-sgd-b64,lenet"], contains: "error: --rows: unknown row 'lenet' " + known)
        expectParseError(["bench", "--rows", " , "], contains: "error: --rows: no row id given " + known)
    }

    @Test func aValidationMessageThatNamesItsOptionKeepsOneColon() {
        expectParseError(["bench", "--against", "torch"], contains: "error: --against: unknown peer 'torch' (known: pytorch, jax)")
    }

    @Test func onlyTheNamedRowsAreMeasuredAndJudged() throws {
        var rounds = WorkloadRounds(peers: [], minimumSeconds: 0.01, rows: try BenchRows(parsing: "mlp128-infer-b1"))
        try rounds.measure(inFreshProcess: false, childArguments: [])
        #expect(Array(rounds.neurite.keys) == ["mlp128-infer-b1"])
        #expect(rounds.neurite["mlp128-infer-b1"]?.first.map { $0 > 0 } == true)
        #expect(rounds.table(showsSpread: false).rows.map { $0[0] } == ["MLP 784-128-10 inference, batch 1"])
        // Its one goal (≥ 10× PyTorch), unjudged without the peer.
        let goals = rounds.goalTable(bestPeakGFLOPS: nil).rows
        #expect(goals.count == 1)
        #expect(goals.first?[2] == "PyTorch not measured (--against pytorch)")
    }
}
