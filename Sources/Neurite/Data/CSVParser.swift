import Foundation

/// The records of a CSV file: every cell in order, and where each record starts.
struct CSVRecords {
    var cells = CSVCells()
    /// The index in `cells` of each record's first cell.
    var starts: [Int] = []
    /// The line of the file each record starts on (1-based).
    var lines: [Int] = []

    /// The number of cells of record `record`.
    func cellCount(_ record: Int) -> Int {
        (record + 1 < starts.count ? starts[record + 1] : cells.count) - starts[record]
    }
}

/// Splits `bytes` (UTF-8) into records by RFC 4180. The bytes that matter are all ASCII, so the
/// scan is over bytes, not `Character`s (a CRLF is one `Character` in Swift). Lines with no
/// characters at all are skipped; a leading UTF-8 byte-order mark is dropped.
/// `cells` (``csvCellEstimate(_:)``) is reserved up front, so the cell ends are not regrown.
/// - Throws: ``CSVError/unterminatedQuote(_:line:)`` and ``CSVError/misplacedQuote(_:line:)``.
func parseCSVRecords(_ bytes: UnsafeBufferPointer<UInt8>, reservingCells cells: Int, url: URL) throws -> CSVRecords {
    let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
    var records = CSVRecords()
    records.cells.reserve(bytes: bytes.count, cells: cells)

    var line = 1, recordLine = 1, quoteLine = 1
    var inQuotes = false, wasQuoted = false, recordStarted = false, cellIsEmpty = true
    var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0  // a byte-order mark, as Excel writes

    func startRecordIfNeeded() {
        guard !recordStarted else { return }
        recordStarted = true
        records.starts.append(records.cells.count)
        records.lines.append(recordLine)
    }
    func endCell() {
        records.cells.endCell()
        wasQuoted = false
        cellIsEmpty = true
    }
    func append(_ byte: UInt8) {
        records.cells.append(byte)
        cellIsEmpty = false
    }

    while index < bytes.count {
        let byte = bytes[index]
        index += 1
        if inQuotes {
            if byte == quote {
                if index < bytes.count, bytes[index] == quote {
                    append(quote)
                    index += 1
                } else {
                    inQuotes = false
                }
            } else {
                if byte == newline { line += 1 }
                append(byte)
            }
            continue
        }
        switch byte {
        case comma:
            startRecordIfNeeded()
            endCell()
        case newline, carriageReturn:
            if byte == carriageReturn, index < bytes.count, bytes[index] == newline { index += 1 }
            if recordStarted { endCell() }
            recordStarted = false
            line += 1
            recordLine = line
        case quote:
            guard cellIsEmpty, !wasQuoted else { throw CSVError.misplacedQuote(url, line: line) }
            startRecordIfNeeded()
            inQuotes = true
            wasQuoted = true
            quoteLine = line
        default:
            guard !wasQuoted else { throw CSVError.misplacedQuote(url, line: line) }
            startRecordIfNeeded()
            append(byte)
        }
    }
    guard !inQuotes else { throw CSVError.unterminatedQuote(url, line: quoteLine) }
    if recordStarted { endCell() }
    return records
}

/// At least as many cells as `bytes` holds: one more than its commas and line breaks (more
/// when some are inside quotes, or blank lines), for reserving and for the memory check.
func csvCellEstimate(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    var separators = 1
    for byte in bytes where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { separators += 1 }
    return separators
}
