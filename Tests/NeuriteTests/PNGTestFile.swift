import CZlib
import Foundation
@testable import Neurite

/// PNG files written for the decoder's tests: any colour type and bit depth, each row stored
/// under the filter the test chooses (the encoder of NeuritePlot writes 8-bit RGB(A) with no
/// filter only), with hooks to damage them.
struct PNGTestFile {
    var width: Int, height: Int, bitDepth: Int, colorType: Int
    var interlace: UInt8 = 0
    /// The stored (unfiltered) rows, `rowBytes` each.
    var rows: [[UInt8]]
    /// Filter type per row, 0…4 (cycled).
    var filters: [UInt8] = [0]
    var palette: [UInt8]? = nil, transparency: [UInt8]? = nil
    /// Image data given as it is stored (filter bytes included) instead of `rows` filtered here.
    var storedData: [UInt8]? = nil

    /// The file's bytes: signature, IHDR, optional PLTE and tRNS, one IDAT, IEND.
    var bytes: [UInt8] {
        var header = Self.bigEndian(UInt32(width)) + Self.bigEndian(UInt32(height))
        header += [UInt8(bitDepth), UInt8(colorType), 0, 0, interlace]
        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        file += Self.chunk("IHDR", header)
        if let palette { file += Self.chunk("PLTE", palette) }
        if let transparency { file += Self.chunk("tRNS", transparency) }
        file += Self.chunk("IDAT", Self.deflate(storedData ?? filtered))
        file += Self.chunk("IEND", [])
        return file
    }

    /// Bytes from one pixel to the next for the filters (at least 1).
    var left: Int { max(1, [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colorType]! * bitDepth / 8) }

    /// Every row behind its filter byte, the filter applied as PNG's encoder does.
    var filtered: [UInt8] {
        var out: [UInt8] = []
        for (index, row) in rows.enumerated() {
            let filter = filters[index % filters.count], above = index > 0 ? rows[index - 1] : [UInt8](repeating: 0, count: row.count)
            out.append(filter)
            for i in row.indices {
                let a = i >= left ? Int(row[i - left]) : 0, b = Int(above[i]), c = i >= left ? Int(above[i - left]) : 0
                // The decoder's predictor: this checks that every filter round-trips on every
                // kind of row; that the predictor is the specification's is checked by hand.
                out.append(row[i] &- UInt8(truncatingIfNeeded: PNGDecoder.prediction(filter, a, b, c)))
            }
        }
        return out
    }

    static func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + body
        let crc = typed.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
        return bigEndian(UInt32(body.count)) + typed + bigEndian(crc)
    }

    static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        var capacity = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        _ = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { compress2(out.baseAddress, &capacity, $0.baseAddress, uLong(bytes.count), 9) }
        }
        return Array(output.prefix(Int(capacity)))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }

    /// Writes `bytes` to a new temporary file.
    static func write(_ bytes: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-png-\(UUID().uuidString).png")
        try Data(bytes).write(to: url)
        return url
    }
}
