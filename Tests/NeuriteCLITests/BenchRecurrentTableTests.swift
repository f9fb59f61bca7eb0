import Testing
@testable import NeuriteCLI

/// The recurrent rows' table: PyTorch's column runs only when `--against` names it.
@Suite("neurite bench recurrent rows")
struct BenchRecurrentTableTests {
    private func onlyRow(pytorch: Result<PythonInterpreter, any Error>?) throws -> [String] {
        var bench = RecurrentBench(threads: 1, minimumSeconds: 0.01, rows: try BenchRows(parsing: "char-rnn"), pytorch: pytorch)
        bench.measure(fresh: ["char-rnn": 1000, "char-lstm": 500])  // a round's child figures
        let rows = bench.table(showsSpread: false).rows
        #expect(rows.count == 1)
        return rows[0]
    }

    @Test func withoutAgainstPyTorchTheColumnSaysHowToAskForIt() throws {
        let row = try onlyRow(pytorch: nil)
        #expect(row[0].hasPrefix("char SimpleRNN") && row[2] == "1,000" && row[3] == "—")
        #expect(row.last == "PyTorch not measured (--against pytorch)")
    }

    @Test func aPythonThatCannotRunThePeerGivesItsReason() throws {
        let row = try onlyRow(pytorch: .failure(JSONLineChild.Unavailable(reason: "scripts/peer_bench.py not found (run from the source tree)")))
        #expect(row.last == "PyTorch n/a (scripts/peer_bench.py not found (run from the source tree))")
    }
}
