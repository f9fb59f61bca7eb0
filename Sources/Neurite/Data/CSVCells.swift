import Foundation

/// The cells of a CSV file, unquoted, back to back in one byte buffer, and where each ends.
///
/// A `[[String]]` of a numeric table costs many times the file (a 16-byte `String` and its share
/// of a row array per two-byte cell): `train csv` of a 100 MB table of 50 M cells peaked at
/// 1.76 GB that way, against 1.18 GB this way. Here a cell costs its bytes and one `Int`.
struct CSVCells: Sendable {
    private var bytes: [UInt8] = []
    /// `ends[i]` is where cell `i` ends in `bytes`; it starts where cell `i - 1` ends.
    private var ends: [Int] = []

    /// The number of cells.
    var count: Int { ends.count }

    mutating func reserve(bytes byteCount: Int, cells: Int) {
        bytes.reserveCapacity(byteCount)
        ends.reserveCapacity(cells)
    }

    mutating func append(_ byte: UInt8) { bytes.append(byte) }

    /// Ends the cell being appended to (an empty one when nothing was).
    mutating func endCell() { ends.append(bytes.count) }

    private func range(_ cell: Int) -> Range<Int> { (cell == 0 ? 0 : ends[cell - 1])..<ends[cell] }

    /// The cell's text, as written.
    func text(_ cell: Int) -> String { String(decoding: bytes[range(cell)], as: UTF8.self) }

    /// The cell's text without surrounding whitespace.
    func trimmedText(_ cell: Int) -> String { text(cell).trimmingCharacters(in: .whitespaces) }

    /// The cell as a number, spaces and tabs around it ignored, or `nil` when it is not one.
    /// Swift's `Float(_:)` (strtof's grammar: `2.5`, `-1e3`, `nan`, `inf`) on the trimmed bytes;
    /// a cell of more than ASCII goes through Foundation's trimming, which knows every Unicode
    /// space (the slow path every cell took before: 69 s for that table, 5.8 s now). A NUL is refused first:
    /// strtof stops there, and `Float("1\0x")` is 1.
    func number(_ cell: Int) -> Float? {
        var range = range(cell)
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        while let first = range.first, bytes[first] == space || bytes[first] == tab { range = range.dropFirst() }
        while let last = range.last, bytes[last] == space || bytes[last] == tab { range = range.dropLast() }
        var ascii = true
        for byte in bytes[range] {
            if byte == 0 { return nil }
            if byte >= 0x80 { ascii = false }
        }
        return Float(ascii ? String(decoding: bytes[range], as: UTF8.self) : trimmedText(cell))
    }
}
