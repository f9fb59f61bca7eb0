import Foundation

/// What is wrong with a CSV file. Every case names the file, and the line where one is known, in
/// the `file:line: message` form editors jump to.
public enum CSVError: Error, Equatable, CustomStringConvertible {
    /// The file is missing, unreadable, not UTF-8 text, or larger than this machine's memory.
    case unreadable(URL, reason: String)
    /// No header row, or no data row under it.
    case empty(URL, reason: String)
    /// A quoted field is not closed before the end of the file; `line` is where it opens.
    case unterminatedQuote(URL, line: Int)
    /// A quote inside an unquoted field, or text after a closing quote (RFC 4180 allows neither).
    case misplacedQuote(URL, line: Int)
    /// A row with another number of cells than the header.
    case raggedRow(URL, line: Int, cells: Int, expected: Int)
    /// Two header cells with the same name.
    case duplicateColumn(URL, name: String)
    /// A column asked for by name is not in the header.
    case missingColumn(URL, name: String, available: [String])
    /// A cell of a numeric column that is empty or not a number.
    case notANumber(URL, line: Int, column: String, text: String)
    /// A cell that is NaN or infinite, or too large for a 32-bit float.
    case nonFinite(URL, line: Int, column: String, text: String)
    /// A value that breaks what its column must hold (e.g. a class index that is not a count).
    case invalidValue(URL, line: Int, column: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(url, reason): return "\(url.path): cannot be read, \(reason)"
        case let .empty(url, reason): return "\(url.path): \(reason)"
        case let .unterminatedQuote(url, line): return "\(url.path):\(line): the quoted field opened here is never closed"
        case let .misplacedQuote(url, line):
            return "\(url.path):\(line): a quote inside an unquoted field or after a closing quote; quote the whole field and double inner quotes (\"\")"
        case let .raggedRow(url, line, cells, expected):
            return "\(url.path):\(line): the row has \(cells) cells, the header has \(expected)"
        case let .duplicateColumn(url, name): return "\(url.path): the header names column '\(name)' twice"
        case let .missingColumn(url, name, available):
            return "\(url.path): no column named '\(name)' (columns: \(available.joined(separator: ", ")))"
        case let .notANumber(url, line, column, text):
            return "\(url.path):\(line): column '\(column)': '\(text)' is not a number"
        case let .nonFinite(url, line, column, text):
            return "\(url.path):\(line): column '\(column)': '\(text)' is not a finite 32-bit number"
        case let .invalidValue(url, line, column, reason): return "\(url.path):\(line): column '\(column)': \(reason)"
        }
    }
}
