import Foundation
import Neurite

/// A model's predictions as named columns, printed as an aligned table, CSV or JSON.
struct PredictionRows {
    /// Column names, and per row one cell per column.
    private(set) var columns: [String] = []
    private(set) var rows: [[Cell]] = []

    enum Cell {
        case number(Float)
        case integer(Int)
        case names([String])
        case text(String)
    }

    /// The rows with a first column naming each one's input (a picture's file).
    func named(_ names: [String], column: String) -> PredictionRows {
        var named = self
        named.columns = [column] + columns
        named.rows = zip(names, rows).map { [.text($0)] + $1 }
        return named
    }

    /// The rows for `outputs` `[n, k]` (probabilities or values, see ``TableTask/probabilities(_:)``).
    init(task: TableTask, outputs: Tensor, targets: [String], threshold: Float) {
        let width = outputs.shape.dropFirst().reduce(1, *)
        let values = outputs.scalars
        let samples = (0..<(values.count / max(width, 1))).map { Array(values[($0 * width)..<(($0 + 1) * width)]) }
        switch task {
        case .binary:
            columns = ["probability", "label"]
            rows = samples.map { [.number($0[0]), .integer($0[0] >= threshold ? 1 : 0)] }
        case .multiclass:
            columns = (0..<width).map { "p(\($0))" } + ["label"]
            rows = samples.map { sample in sample.map(Cell.number) + [.integer(sample.indices.max { sample[$0] < sample[$1] } ?? 0)] }
        case .regression, .nonnegative:
            columns = targets
            rows = samples.map { $0.map(Cell.number) }
        case .multilabel:
            columns = targets.map { "p(\($0))" } + ["labels"]
            rows = samples.map { sample in
                sample.map(Cell.number) + [.names(zip(targets, sample).filter { $0.1 >= threshold }.map(\.0))]
            }
        }
    }

    func formatted(_ format: Predict.Format) -> String {
        switch format {
        case .table:
            let texts = rows.map { $0.map { text($0, digits: 4) } }
            let widths = columns.indices.map { column in max(columns[column].count, texts.map { $0[column].count }.max() ?? 0) }
            func line(_ cells: [String]) -> String {
                zip(cells, widths).map { String(repeating: " ", count: $1 - $0.count) + $0 }.joined(separator: "  ")
            }
            return ([line(columns)] + texts.map(line)).joined(separator: "\n")
        case .csv:
            return ([columns] + rows.map { $0.map { text($0, digits: nil) } }).map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\n")
        case .json:
            let objects = rows.map { row in
                "{" + zip(columns, row).map { json($0) + ": " + jsonValue($1) }.joined(separator: ", ") + "}"
            }
            return "[\n" + objects.map { "  " + $0 }.joined(separator: ",\n") + "\n]"
        }
    }

    /// A cell as text: numbers with `digits` decimals, or exactly (shortest round-trip form).
    private func text(_ cell: Cell, digits: Int?) -> String {
        switch cell {
        case let .number(value): return digits.map { String(format: "%.\($0)f", value) } ?? "\(value)"
        case let .integer(value): return String(value)
        case let .names(names): return names.joined(separator: " ")
        case let .text(text): return text
        }
    }

    private func jsonValue(_ cell: Cell) -> String {
        switch cell {
        case let .number(value): return value.isFinite ? "\(value)" : "null"
        case let .integer(value): return String(value)
        case let .names(names): return "[" + names.map(json).joined(separator: ", ") + "]"
        case let .text(text): return json(text)
        }
    }

    private func json(_ string: String) -> String {
        String(decoding: try! JSONEncoder().encode(string), as: UTF8.self)
    }

    /// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
    private func csvField(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
