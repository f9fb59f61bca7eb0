import CZlib
import Foundation
import Testing
@testable import NeuritePlot

/// Decodes the encoder's PNGs independently: chunk layout, CRC-32 of every chunk, the zlib
/// stream inflated back to rows, and pixel values compared with the raster that was encoded.
@Suite("PNG and SVG output")
struct PNGTests {
    /// The chunks of a PNG file, each CRC-checked; fails the test on any structural error.
    private func chunks(of file: [UInt8]) throws -> [(type: String, data: [UInt8])] {
        #expect(Array(file.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var found: [(String, [UInt8])] = []
        var offset = 8
        while offset + 12 <= file.count {
            let length = Int(file[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            let typeAndData = Array(file[(offset + 4)..<(offset + 8 + length)])
            let stored = file[(offset + 8 + length)..<(offset + 12 + length)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let computed = UInt32(typeAndData.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) })
            #expect(stored == computed, "CRC of chunk \(String(decoding: typeAndData.prefix(4), as: UTF8.self))")
            found.append((String(decoding: typeAndData.prefix(4), as: UTF8.self), Array(typeAndData.dropFirst(4))))
            offset += 12 + length
        }
        #expect(offset == file.count, "trailing bytes after the last chunk")
        return found
    }

    private func inflate(_ bytes: [UInt8], expectedCount: Int) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: expectedCount)
        var length = uLongf(expectedCount)
        let status = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { uncompress(out.baseAddress, &length, $0.baseAddress, uLong($0.count)) }
        }
        #expect(status == Z_OK)
        #expect(Int(length) == expectedCount)
        return output
    }

    @Test func opaqueRasterRoundTripsThroughAnIndependentDecoder() throws {
        var raster = Raster(width: 5, height: 3, background: .white)
        raster.blend(0, 0, Color(hex: 0x102030))
        raster.blend(4, 2, Color(hex: 0xFF8000))
        let chunks = try chunks(of: Array(PNG.encode(raster)))
        #expect(chunks.map(\.type) == ["IHDR", "IDAT", "IEND"])
        #expect(chunks[0].data == [0, 0, 0, 5, 0, 0, 0, 3, 8, 2, 0, 0, 0])  // 5×3, 8-bit RGB
        let rows = inflate(chunks[1].data, expectedCount: 3 * (1 + 5 * 3))
        #expect(rows[0] == 0 && rows[16] == 0 && rows[32] == 0)  // filter byte of each row
        #expect(Array(rows[1...3]) == [0x10, 0x20, 0x30])
        #expect(Array(rows[4...6]) == [255, 255, 255])
        #expect(Array(rows[(32 + 1 + 4 * 3)...(32 + 3 + 4 * 3)]) == [0xFF, 0x80, 0x00])
    }

    @Test func translucentPixelsMakeAnRGBAImage() throws {
        let raster = Raster(width: 2, height: 2, background: Color(hex: 0x000000, alpha: 0))
        let chunks = try chunks(of: Array(PNG.encode(raster)))
        #expect(chunks[0].data[9] == 6)  // colour type RGBA
        #expect(inflate(chunks[1].data, expectedCount: 2 * (1 + 2 * 4)).allSatisfy { $0 == 0 })
    }

    @Test func blendingIsSourceOver() {
        var raster = Raster(width: 1, height: 1, background: .white)
        raster.blend(0, 0, .black, coverage: 0.5)
        #expect(raster[0, 0] == Color(red: 128, green: 128, blue: 128))
    }

    @Test func plotsDecodeAndDrawTheirData() throws {
        let plot = LinePlot(title: "t", xLabel: "x", yLabel: "y", series: [Series("a", x: [0, 1], y: [0, 1], color: Color(hex: 0xFF0000))])
        let figure = plot.figure(width: 300, height: 200)
        let raster = figure.rasterized()
        #expect(raster.pixels.contains(Color(hex: 0xFF0000)))  // the line's core is its exact colour
        let chunks = try chunks(of: Array(figure.pngData()))
        #expect(inflate(chunks[1].data, expectedCount: 200 * (1 + 300 * 3)).count == 200 * 901)
        let svg = figure.svg()
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\" height=\"200\""))
        #expect(svg.contains("stroke=\"#ff0000\"") && svg.hasSuffix("</svg>\n"))
    }

    @Test func writesByExtensionAndRejectsOthers() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let figure = Figure(width: 4, height: 4)
        try figure.write(to: directory.appendingPathComponent("a.png"))
        try figure.write(to: directory.appendingPathComponent("a.svg"))
        #expect(try Data(contentsOf: directory.appendingPathComponent("a.png")).prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        #expect(throws: PlotError.unsupportedFormat("a.gif")) { try figure.write(to: directory.appendingPathComponent("a.gif")) }
    }
}
