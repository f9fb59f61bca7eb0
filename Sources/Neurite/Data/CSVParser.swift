import Foundation

/// One record of a CSV file: its cells and the line it starts on.
struct CSVRecord {
    var cells: [String]
    var line: Int
}

/// Splits `text` into records by RFC 4180, over UTF-8 bytes (a CRLF is one `Character` in Swift,
/// and the bytes that matter are all ASCII). Lines with no characters at all are skipped.
/// - Throws: ``CSVError/unterminatedQuote(_:line:)`` and ``CSVError/misplacedQuote(_:line:)``.
func parseCSVRecords(_ text: String, url: URL) throws -> [CSVRecord] {
    let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
    var bytes = Array(text.utf8)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }  // a byte-order mark, as Excel writes

    var records: [CSVRecord] = []
    var cells: [String] = [], cell: [UInt8] = []
    var line = 1, recordLine = 1, quoteLine = 1
    var inQuotes = false, wasQuoted = false, recordStarted = false
    var index = 0

    func endCell() {
        cells.append(String(decoding: cell, as: UTF8.self))
        cell.removeAll(keepingCapacity: true)
        wasQuoted = false
    }
    func endRecord() {
        if recordStarted {
            endCell()
            records.append(CSVRecord(cells: cells, line: recordLine))
        }
        cells.removeAll()
        recordStarted = false
    }

    while index < bytes.count {
        let byte = bytes[index]
        index += 1
        if inQuotes {
            if byte == quote {
                if index < bytes.count, bytes[index] == quote {
                    cell.append(quote)
                    index += 1
                } else {
                    inQuotes = false
                }
            } else {
                if byte == newline { line += 1 }
                cell.append(byte)
            }
            continue
        }
        switch byte {
        case comma:
            recordStarted = true
            endCell()
        case newline, carriageReturn:
            if byte == carriageReturn, index < bytes.count, bytes[index] == newline { index += 1 }
            endRecord()
            line += 1
            recordLine = line
        case quote:
            guard cell.isEmpty, !wasQuoted else { throw CSVError.misplacedQuote(url, line: line) }
            recordStarted = true
            inQuotes = true
            wasQuoted = true
            quoteLine = line
        default:
            guard !wasQuoted else { throw CSVError.misplacedQuote(url, line: line) }
            recordStarted = true
            cell.append(byte)
        }
    }
    guard !inQuotes else { throw CSVError.unterminatedQuote(url, line: quoteLine) }
    endRecord()
    return records
}
