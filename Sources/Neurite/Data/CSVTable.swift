import Foundation

/// A table read from a CSV file: a header row naming the columns, then rows of text cells.
///
/// The reader follows RFC 4180: cells are separated by commas and rows by LF or CRLF; a cell in
/// double quotes may hold commas, line breaks and doubled quotes (`""`). Blank lines are skipped
/// and a UTF-8 byte-order mark is dropped. Cells stay text until ``numbers(columns:)`` converts
/// the columns a model needs, so columns it does not use (an id, a name) may hold anything.
///
/// Written here rather than taken from a package: the two on hand (SwiftCSV 0.10, CSV.swift 2.5)
/// report no line numbers, and both accept an unclosed or stray quote without an error, which
/// would silently shift every later cell of a training set.
public struct CSVTable: Sendable {
    /// The file the table was read from; errors name it.
    public let url: URL
    /// The header's column names, in file order.
    public let columns: [String]
    /// The data rows, each with one cell per column.
    public let rows: [[String]]
    /// The line of the file each row starts on (1-based), for error messages.
    public let lineNumbers: [Int]

    /// Reads and parses `url`.
    /// - Throws: ``CSVError`` naming the file (and line) when it is missing, larger than this
    ///   machine's memory, not UTF-8, has no header or data rows, a misplaced or unclosed quote,
    ///   a row whose cell count differs from the header's, or a column name twice.
    public init(contentsOf url: URL) throws {
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.uint64Value
        guard let size else { throw CSVError.unreadable(url, reason: "no such file") }
        guard size <= ProcessInfo.processInfo.physicalMemory / 4 else {
            throw CSVError.unreadable(url, reason: "\(size) bytes is more than a quarter of this machine's memory")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw CSVError.unreadable(url, reason: describeFileError(error)) }
        guard let text = String(data: data, encoding: .utf8) else { throw CSVError.unreadable(url, reason: "not UTF-8 text") }
        try self.init(text: text, url: url)
    }

    /// Parses `text` as CSV; `url` is the name errors give.
    public init(text: String, url: URL) throws {
        var records = try parseCSVRecords(text, url: url)
        guard !records.isEmpty else { throw CSVError.empty(url, reason: "the file is empty; expected a header row") }
        let header = records.removeFirst().cells.map { $0.trimmingCharacters(in: .whitespaces) }
        var seen = Set<String>()
        for name in header where !seen.insert(name).inserted { throw CSVError.duplicateColumn(url, name: name) }
        guard !records.isEmpty else { throw CSVError.empty(url, reason: "the file has a header row but no data rows") }
        for record in records where record.cells.count != header.count {
            throw CSVError.raggedRow(url, line: record.line, cells: record.cells.count, expected: header.count)
        }
        self.url = url
        columns = header
        rows = records.map(\.cells)
        lineNumbers = records.map(\.line)
    }

    /// The number of data rows.
    public var count: Int { rows.count }

    /// The position of each named column.
    /// - Throws: ``CSVError/missingColumn(_:name:available:)`` for a name not in the header.
    public func indices(of names: [String]) throws -> [Int] {
        try names.map { name in
            guard let index = columns.firstIndex(of: name) else { throw CSVError.missingColumn(url, name: name, available: columns) }
            return index
        }
    }

    /// The named columns as numbers, `[count, names.count]`, row by row.
    /// - Throws: ``CSVError`` naming the file, line and column of the first cell that is empty,
    ///   not a number, or NaN/infinite (also a value beyond `Float`'s range, which reads as
    ///   infinity), and for a name not in the header.
    public func numbers(columns names: [String]) throws -> Tensor {
        let positions = try indices(of: names)
        let (total, overflow) = rows.count.multipliedReportingOverflow(by: positions.count)
        guard !overflow else { throw CSVError.unreadable(url, reason: "\(rows.count) rows × \(positions.count) columns overflows") }
        var scalars: [Float] = []
        scalars.reserveCapacity(total)
        for (row, line) in zip(rows, lineNumbers) {
            for (name, position) in zip(names, positions) {
                let text = row[position].trimmingCharacters(in: .whitespaces)
                guard let value = Float(text) else { throw CSVError.notANumber(url, line: line, column: name, text: text) }
                guard value.isFinite else { throw CSVError.nonFinite(url, line: line, column: name, text: text) }
                scalars.append(value)
            }
        }
        return try Tensor(shape: [rows.count, positions.count], scalars: scalars)
    }
}
