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
    /// The line of the file each row starts on (1-based), for error messages.
    public let lineNumbers: [Int]
    /// The header's cells, then each row's.
    private let cells: CSVCells

    /// Reads and parses `url`.
    /// - Throws: ``CSVError`` naming the file (and line) when it is missing, cannot fit in memory
    ///   once parsed, is not UTF-8, has no header or data rows, a misplaced or unclosed quote,
    ///   a row whose cell count differs from the header's, or a column name twice.
    public init(contentsOf url: URL) throws {
        // The file, and its cells copied out of it: refused before reading when those alone
        // cannot fit (a pipe: as soon as what it has sent cannot).
        let data: Data
        do {
            data = try InputFile.contents(of: url, bytesPerByte: 2, what: "a file")
        } catch let failure as InputFile.Failure {
            throw CSVError.unreadable(url, reason: failure.reason)
        }
        self = try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            // Then per cell an end offset, and a Float when ``numbers(columns:)`` converts it.
            let cells = csvCellEstimate(bytes), perCell = MemoryLayout<Int>.stride + MemoryLayout<Float>.stride
            let total = SizeLimit.elementCount([cells, perCell]).map { $0.addingReportingOverflow(2 * bytes.count) }
            if let problem = SizeLimit.problem(bytes: total ?? (0, true), what: "a table of \(cells) cells in \(bytes.count) bytes") {
                throw CSVError.unreadable(url, reason: problem)
            }
            guard isUTF8(bytes) else { throw CSVError.unreadable(url, reason: "not UTF-8 text") }
            return try CSVTable(bytes: bytes, cellEstimate: cells, url: url)
        }
    }

    /// Parses `text` as CSV; `url` is the name errors give.
    public init(text: String, url: URL) throws {
        var text = text
        self = try text.withUTF8 { try CSVTable(bytes: $0, cellEstimate: csvCellEstimate($0), url: url) }
    }

    /// `cellEstimate`: ``csvCellEstimate(_:)`` of `bytes`, which the memory check has counted already.
    private init(bytes: UnsafeBufferPointer<UInt8>, cellEstimate: Int, url: URL) throws {
        let records = try parseCSVRecords(bytes, reservingCells: cellEstimate, url: url)
        guard !records.starts.isEmpty else { throw CSVError.empty(url, reason: "the file is empty; expected a header row") }
        let header = (0..<records.cellCount(0)).map { records.cells.trimmedText($0) }
        var seen = Set<String>()
        for name in header where !seen.insert(name).inserted { throw CSVError.duplicateColumn(url, name: name) }
        guard records.starts.count > 1 else { throw CSVError.empty(url, reason: "the file has a header row but no data rows") }
        for record in 1..<records.starts.count where records.cellCount(record) != header.count {
            throw CSVError.raggedRow(url, line: records.lines[record], cells: records.cellCount(record), expected: header.count)
        }
        self.url = url
        columns = header
        cells = records.cells
        lineNumbers = Array(records.lines.dropFirst())
    }

    /// The number of data rows.
    public var count: Int { lineNumbers.count }

    /// The data rows' cells as text, row by row. Every cell becomes a `String`, which for a large
    /// numeric table takes many times the memory of the table itself: ``numbers(columns:)``
    /// reads the cells without.
    public var rows: [[String]] {
        (0..<count).map { row in columns.indices.map { cells.text(cell(row: row, column: $0)) } }
    }

    /// The index in `cells` of a data row's cell; the header's come first.
    private func cell(row: Int, column: Int) -> Int { (row + 1) * columns.count + column }

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
        let (total, overflow) = count.multipliedReportingOverflow(by: positions.count)
        guard !overflow else { throw CSVError.unreadable(url, reason: "\(count) rows × \(positions.count) columns overflows") }
        var scalars: [Float] = []
        scalars.reserveCapacity(total)
        for (row, line) in lineNumbers.enumerated() {
            for (name, position) in zip(names, positions) {
                let cell = cell(row: row, column: position)
                guard let value = cells.number(cell) else { throw CSVError.notANumber(url, line: line, column: name, text: cells.trimmedText(cell)) }
                guard value.isFinite else { throw CSVError.nonFinite(url, line: line, column: name, text: cells.trimmedText(cell)) }
                scalars.append(value)
            }
        }
        return try Tensor(shape: [count, positions.count], scalars: scalars)
    }
}

/// Whether `bytes` is valid UTF-8, checked 64 KiB at a time (cut after an ASCII byte, which is
/// never inside a character), so that no copy of the whole file is made to check it.
private func isUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var start = 0
    while start < bytes.count {
        var end = min(start + 65536, bytes.count)
        while end < bytes.count, bytes[end - 1] >= 0x80 { end += 1 }
        guard String(validating: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) != nil else { return false }
        start = end
    }
    return true
}
