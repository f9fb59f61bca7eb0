import ArgumentParser
import Foundation
import Neurite

/// The workload and recurrent rows a `neurite bench` run measures: all of them, or those that
/// `--rows` names by id.
///
/// WHY: a change to one row's speed is judged by alternating fresh processes of the old and the
/// new build, many times over (the host moves too much for one run to say). A process that
/// measures all ten rows and their GEMM peaks takes about 20 s on the 2-core VM; one row, 2 s.
struct BenchRows: Sendable {
    /// nil: every row.
    private let ids: Set<String>?

    static let all = BenchRows(ids: nil)

    private init(ids: Set<String>?) {
        self.ids = ids
    }

    /// Every row's id, in the order the tables print them.
    static var knownIDs: [String] { Workload.all.map(\.id) + RecurrentCell.allCases.map(RecurrentBench.id) }

    /// The rows of a `--rows` value: ids separated by commas.
    /// - Throws: `ValidationError` naming an unknown id, with the known ones, or for no id at all.
    init(parsing text: String) throws {
        let words = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !words.isEmpty else { throw ValidationError("--rows: no row id given (known: \(Self.knownIDs.joined(separator: ", ")))") }
        if let unknown = words.first(where: { !Self.knownIDs.contains($0) }) {
            throw ValidationError("--rows: unknown row '\(unknown)' (known: \(Self.knownIDs.joined(separator: ", ")))")
        }
        ids = Set(words)
    }

    func contains(_ id: String) -> Bool { ids?.contains(id) ?? true }

    var workloads: [Workload] { Workload.all.filter { contains($0.id) } }
    var recurrentCells: [RecurrentCell] { RecurrentCell.allCases.filter { contains(RecurrentBench.id($0)) } }

    /// The same selection for a `--processes` child.
    var childArguments: [String] {
        ids.map { ids in ["--rows", Self.knownIDs.filter(ids.contains).joined(separator: ",")] } ?? []
    }
}
