import Foundation
import Testing
@testable import Neurite

/// ``PNGImage``: every colour type and bit depth, the five filters, and files that are damaged,
/// hostile or of a kind it does not read. (Checked once by hand against an independent decoder,
/// Python's zlib with the specification's filters, on 23 PNG files found on the development
/// machine: 1-, 2-, 4- and 8-bit palettes, gray, gray and alpha, RGB, 8- and 16-bit RGBA,
/// filters 0, 1, 2 and 4 — every sample equal.)
@Suite("PNG images")
struct PNGImageTests {
    static func decode(_ file: PNGTestFile) throws -> PNGImage {
        let url = try PNGTestFile.write(file.bytes)
        defer { try? FileManager.default.removeItem(at: url) }
        return try PNGImage(contentsOf: url)
    }

    /// Filters worked out by hand from the specification: Sub then Average, Sub then Paeth.
    @Test func undoesEachFilterAsTheSpecificationDefinesIt() throws {
        var file = PNGTestFile(width: 2, height: 2, bitDepth: 8, colorType: 0, rows: [])
        // Sub: 10, 10 + 5. Average: 4 + (0 + 10) / 2, 6 + (9 + 15) / 2.
        file.storedData = [1, 10, 5, 3, 4, 6]
        #expect(try Self.decode(file).samples == [10, 15, 9, 18])
        // Paeth: at x0 a = 0, b = 10, c = 0 picks b (4 + 10); at x1 a = 14, b = 15, c = 10, p = 19 picks b (6 + 15).
        file.storedData = [1, 10, 5, 4, 4, 6]
        #expect(try Self.decode(file).samples == [10, 15, 14, 21])
    }

    /// RGBA and gray with every filter in turn over rows of varied bytes, so each filter meets
    /// left, above and above-left neighbours of every size, and a sum that wraps past 255.
    @Test func readsEveryFilterOnEveryRow() throws {
        for (colorType, channels) in [(0, 1), (2, 3), (4, 2), (6, 4)] {
            let width = 7, height = 10
            let rows = (0..<height).map { y in (0..<width * channels).map { x in UInt8(truncatingIfNeeded: x * 37 + y * 101 + x * y * 13) } }
            let file = PNGTestFile(width: width, height: height, bitDepth: 8, colorType: colorType, rows: rows, filters: [0, 1, 2, 3, 4])
            let image = try Self.decode(file)
            #expect(image.width == width && image.height == height && image.channels == channels)
            #expect(image.samples == rows.flatMap { $0 }, "colour type \(colorType)")
        }
    }

    /// 16-bit samples keep their high byte; 1-, 2- and 4-bit gray levels are scaled to 0…255.
    @Test func readsEveryBitDepth() throws {
        let wide = PNGTestFile(width: 2, height: 1, bitDepth: 16, colorType: 2, rows: [[0x12, 0x34, 0xFF, 0x00, 0x00, 0xFF, 1, 2, 3, 4, 5, 6]], filters: [4])
        #expect(try Self.decode(wide).samples == [0x12, 0xFF, 0x00, 1, 3, 5])
        // Five pixels in 1, 2 and 4 bits, packed from the high bit, the row's last byte padded.
        let cases: [(depth: Int, row: [UInt8], expected: [UInt8])] = [
            (1, [0b1011_0000], [255, 0, 255, 255, 0]),
            (2, [0b0001_1011, 0b1100_0000], [0, 85, 170, 255, 255]),
            (4, [0x0F, 0x58, 0x30], [0, 255, 85, 136, 51]),
        ]
        for (depth, row, expected) in cases {
            let file = PNGTestFile(width: 5, height: 1, bitDepth: depth, colorType: 0, rows: [row])
            #expect(try Self.decode(file).samples == expected, "\(depth)-bit")
        }
    }

    /// A palette becomes colours; its tRNS gives alpha to the first entries, the rest are opaque.
    @Test func expandsAPaletteWithItsTransparency() throws {
        var file = PNGTestFile(width: 3, height: 1, bitDepth: 4, colorType: 3, rows: [[0x12, 0x00]],
                               palette: [0, 0, 0, 10, 20, 30, 200, 100, 50])
        #expect(try Self.decode(file).samples == [10, 20, 30, 200, 100, 50, 0, 0, 0])
        file.transparency = [7, 128]
        let image = try Self.decode(file)
        #expect(image.channels == 4 && image.samples == [10, 20, 30, 128, 200, 100, 50, 255, 0, 0, 0, 7])
        file.rows = [[0x13, 0x00]]
        #expect { try Self.decode(file) } throws: { "\($0)".hasSuffix("expected a PNG image, found palette index 3 in a palette of 3 colours") }
    }

    /// Luminance is Rec. 601's luma with the alpha laid over white paper; an image made in code
    /// must hold its samples.
    @Test func luminanceLaysTheAlphaOverWhite() throws {
        #expect(throws: TensorError.self) { try PNGImage(width: 2, height: 2, channels: 1, samples: [1, 2, 3]) }
        #expect(throws: TensorError.self) { try PNGImage(width: 1, height: 1, channels: 5, samples: [1, 2, 3, 4, 5]) }
        let gray = try PNGImage(width: 2, height: 1, channels: 2, samples: [0, 255, 0, 0])
        #expect(gray.luminance == [0, 255])
        let colour = try PNGImage(width: 1, height: 1, channels: 4, samples: [255, 0, 0, 128])
        #expect(abs(colour.luminance[0] - (0.299 * 255 * 128 / 255 + 255 * 127 / 255)) < 1e-3)
    }

    /// Each kind of damage is named, never a crash or an image of garbage.
    @Test func namesWhatIsWrongWithADamagedFile() throws {
        let good = PNGTestFile(width: 4, height: 4, bitDepth: 8, colorType: 0, rows: Array(repeating: [1, 2, 3, 4], count: 4))
        let bytes = good.bytes
        var flipped = bytes
        flipped[45] ^= 0x01  // inside IDAT's data (signature 8, IHDR 25, IDAT length and type 8)
        var wrongFilter = good
        wrongFilter.storedData = [5, 0, 0, 0, 0] + Array(repeating: 0, count: 15)
        var interlaced = good
        interlaced.interlace = 1
        var depth = good
        depth.bitDepth = 3
        var short = good
        short.storedData = [0, 1, 2, 3, 4]
        let cases: [([UInt8], String)] = [
            (Array("GIF89a".utf8) + bytes.dropFirst(6), "no PNG signature at the start of the file"),
            (flipped, "chunk 'IDAT' with a CRC of"),
            (Array(bytes.prefix(bytes.count - 20)), "(truncated file?)"),
            (Array(bytes.prefix(33)), "no IEND chunk: the file ends early (truncated file?)"),
            (wrongFilter.bytes, "row 1 with filter type 5 (PNG defines 0 to 4)"),
            (interlaced.bytes, "an interlaced (Adam7) image, which this reader does not decode"),
            (depth.bytes, "colour type 0 with bit depth 3, which PNG does not define"),
            (short.bytes, "image data that inflates to 5 bytes, where a 4×4 image needs 20 (truncated file?)"),
            (Array(bytes.prefix(8)) + PNGTestFile.chunk("IDAT", [1]) + Array(bytes.dropFirst(8)), "image data before the IHDR header"),
            (Array(bytes.prefix(33)) + PNGTestFile.chunk("ZZZZ", []) + Array(bytes.dropFirst(33)), "a critical chunk 'ZZZZ' this reader does not know"),
        ]
        for (file, expected) in cases {
            let url = try PNGTestFile.write(file)
            defer { try? FileManager.default.removeItem(at: url) }
            #expect { try PNGImage(contentsOf: url) } throws: { error in
                (error as? DataError).map { "\($0)".hasPrefix("\(url.path): expected a PNG image, found") && "\($0)".contains(expected) } ?? false
            }
        }
        // Ancillary chunks (text, gamma) are skipped.
        let annotated = Array(bytes.prefix(33)) + PNGTestFile.chunk("tEXt", Array("Comment\0hello".utf8)) + Array(bytes.dropFirst(33))
        let url = try PNGTestFile.write(annotated)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try PNGImage(contentsOf: url).samples == Array(repeating: [1, 2, 3, 4], count: 4).flatMap { $0 })
    }

    /// Sizes come from the header: one too large for memory is refused before anything is
    /// inflated, and a small file cannot claim an image deflate could not have packed into it.
    @Test func refusesSizesBeforeInflating() throws {
        var huge = PNGTestFile(width: 2_000_000_000, height: 2_000_000_000, bitDepth: 8, colorType: 6, rows: [])
        huge.storedData = [0]
        #expect { try Self.decode(huge) } throws: { "\($0)".contains("a 2000000000×2000000000 image needs") }
        var bomb = PNGTestFile(width: 30000, height: 30000, bitDepth: 8, colorType: 0, rows: [])
        bomb.storedData = [0, 0, 0]
        #expect { try Self.decode(bomb) } throws: { "\($0)".contains("too few to inflate to the 900030000 a 30000×30000 image needs") }
        #expect(throws: DataError.fileNotFound(URL(fileURLWithPath: "/nonexistent/x.png"))) {
            try PNGImage(contentsOf: URL(fileURLWithPath: "/nonexistent/x.png"))
        }
    }
}
