import CZlib
import Foundation

/// Reads a PNG file (ISO/IEC 15948) into a ``PNGImage``: chunks with their CRCs, the header,
/// the palette and its transparency, the zlib stream of the image data, and the five row filters.
///
/// Every size comes from the file, so each is checked before it is used: a chunk's length
/// against the bytes that follow it, the image's size against ``SizeLimit`` before anything is
/// inflated, and the inflated data stops at the size the header implies (a deflate bomb costs
/// no more than an honest image of that size).
struct PNGDecoder {
    private let data: [UInt8]
    private let file: URL

    init(_ data: Data, file: URL) {
        self.data = [UInt8](data)
        self.file = file
    }

    private struct Header {
        var width = 0, height = 0, bitDepth = 0, colorType = 0
        /// Samples per pixel as stored: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA, 1 palette index.
        var storedChannels: Int { [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colorType]! }
    }

    func decode() throws -> PNGImage {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard data.count >= 8, Array(data[0..<8]) == signature else { throw malformed("no PNG signature at the start of the file") }
        var header: Header?, palette: [UInt8] = [], paletteAlpha: [UInt8] = [], compressed = Data(), ended = false
        var offset = 8
        while offset < data.count, !ended {
            guard data.count - offset >= 12 else { throw malformed("a chunk cut off after \(data.count - offset) bytes (truncated file?)") }
            let length = Int(bigEndian32(at: offset))
            let type = String(decoding: data[offset + 4..<offset + 8], as: UTF8.self)
            guard length < 1 << 31, length <= data.count - offset - 12 else {
                throw malformed("chunk '\(type)' of \(length) bytes where \(data.count - offset - 12) remain (truncated file?)")
            }
            let body = offset + 8..<offset + 8 + length
            let stored = bigEndian32(at: body.upperBound)
            let computed = data.withUnsafeBufferPointer { bytes in
                UInt32(crc32(0, bytes.baseAddress! + offset + 4, uInt(length + 4)))
            }
            guard stored == computed else { throw malformed("chunk '\(type)' with a CRC of \(hex(stored)), its bytes give \(hex(computed)) (a damaged file)") }
            switch type {
            case "IHDR":
                guard header == nil, length == 13 else { throw malformed("an IHDR chunk of \(length) bytes, or a second one") }
                header = try readHeader(body.lowerBound)
            case "PLTE":
                guard length % 3 == 0, (3...768).contains(length) else { throw malformed("a palette of \(length) bytes (3 per colour, at most 256 colours)") }
                palette = Array(data[body])
            case "tRNS": paletteAlpha = Array(data[body])
            case "IDAT":
                guard header != nil else { throw malformed("image data before the IHDR header") }
                compressed.append(contentsOf: data[body])
            case "IEND": ended = true
            default:
                // A chunk whose name starts with a capital letter is critical: the image cannot
                // be shown correctly without it. Ancillary ones (text, gamma, time) do not matter here.
                if type.first?.isUppercase == true { throw malformed("a critical chunk '\(type)' this reader does not know") }
            }
            offset = body.upperBound + 4
        }
        guard let header else { throw malformed("no IHDR header") }
        guard ended else { throw malformed("no IEND chunk: the file ends early (truncated file?)") }
        guard !compressed.isEmpty else { throw malformed("no image data (IDAT)") }
        if header.colorType == 3 && palette.isEmpty { throw malformed("a palette image without a palette (PLTE)") }
        let rows = try inflate(compressed, header)
        return try expand(rows, header, palette: palette, paletteAlpha: paletteAlpha)
    }

    private func readHeader(_ at: Int) throws -> Header {
        var header = Header()
        header.width = Int(bigEndian32(at: at))
        header.height = Int(bigEndian32(at: at + 4))
        header.bitDepth = Int(data[at + 8])
        header.colorType = Int(data[at + 9])
        guard (1..<1 << 31).contains(header.width), (1..<1 << 31).contains(header.height) else {
            throw malformed("an image of \(header.width)×\(header.height) pixels (each side 1 to 2³¹ − 1)")
        }
        let depths: [Int: [Int]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        guard let allowed = depths[header.colorType], allowed.contains(header.bitDepth) else {
            throw malformed("colour type \(header.colorType) with bit depth \(header.bitDepth), which PNG does not define")
        }
        guard data[at + 10] == 0, data[at + 11] == 0 else { throw malformed("compression method \(data[at + 10]) or filter method \(data[at + 11]) (PNG defines 0)") }
        switch data[at + 12] {
        case 0: break
        case 1: throw malformed("an interlaced (Adam7) image, which this reader does not decode; save it without interlacing")
        default: throw malformed("interlace method \(data[at + 12])")
        }
        return header
    }

    /// Bytes per stored row, without the filter byte.
    private func rowBytes(_ header: Header) -> Int { (header.width * header.storedChannels * header.bitDepth + 7) / 8 }

    /// The unfiltered rows, `height · rowBytes` bytes.
    private func inflate(_ compressed: Data, _ header: Header) throws -> [UInt8] {
        // Width and height are below 2³¹ and a pixel is at most 8 bytes: a row fits, the
        // product may not.
        let stride = rowBytes(header) + 1
        let (expected, overflow) = stride.multipliedReportingOverflow(by: header.height)
        let (pixels, pixelOverflow) = header.width.multipliedReportingOverflow(by: header.height)
        if let problem = SizeLimit.problem(bytes: (expected, overflow), what: "a \(header.width)×\(header.height) image")
            // Beside the rows: up to 4 samples a pixel, and the two planes of floats (brightness,
            // ink) that MNIST.digit(from:) makes of them.
            ?? SizeLimit.problem(bytes: pixels.multipliedReportingOverflow(by: 4 + 2 * MemoryLayout<Float>.size), what: "a \(header.width)×\(header.height) image's pixels")
            ?? (pixelOverflow ? "a \(header.width)×\(header.height) image has more pixels than a 64-bit count can hold" : nil) {
            throw DataError.unreadable(file, reason: problem)
        }
        if expected / InflateStream.largestExpansion > compressed.count {
            throw malformed("\(compressed.count) bytes of image data, too few to inflate to the \(expected) a \(header.width)×\(header.height) image needs (truncated file?)")
        }
        let filtered: Data
        do { filtered = try InflateStream(compressed, file: file, wrapper: .zlib).read(upTo: expected) } catch let DataError.corruptCompression(_, reason) {
            throw malformed("image data that does not inflate (\(reason))")
        }
        guard filtered.count == expected else {
            throw malformed("image data that inflates to \(filtered.count) bytes, where a \(header.width)×\(header.height) image needs \(expected) (truncated file?)")
        }
        return try unfilter([UInt8](filtered), header)
    }

    /// Undoes each row's filter (None, Sub, Up, Average, Paeth), which predicted every byte from
    /// its left neighbour `a` (a whole pixel back), the byte above `b` and the one above-left `c`.
    private func unfilter(_ filtered: [UInt8], _ header: Header) throws -> [UInt8] {
        let count = rowBytes(header), left = max(1, header.storedChannels * header.bitDepth / 8)
        var rows = [UInt8](repeating: 0, count: count * header.height)
        for row in 0..<header.height {
            let filter = filtered[row * (count + 1)], source = row * (count + 1) + 1, target = row * count
            guard filter <= 4 else { throw malformed("row \(row + 1) with filter type \(filter) (PNG defines 0 to 4)") }
            for index in 0..<count {
                let raw = filtered[source + index]
                let a = index >= left ? Int(rows[target + index - left]) : 0
                let b = row > 0 ? Int(rows[target - count + index]) : 0
                let c = row > 0 && index >= left ? Int(rows[target - count + index - left]) : 0
                rows[target + index] = raw &+ UInt8(truncatingIfNeeded: Self.prediction(filter, a, b, c))
            }
        }
        return rows
    }

    /// What filter type `filter` (0…4) predicts a byte to be from its left neighbour `a`, the
    /// byte above `b` and the one above-left `c`; the file stores the difference.
    static func prediction(_ filter: UInt8, _ a: Int, _ b: Int, _ c: Int) -> Int {
        switch filter {
        case 0: return 0
        case 1: return a
        case 2: return b
        case 3: return (a + b) / 2
        default:
            // Paeth: whichever neighbour is nearest to a + b − c, ties to a, then b.
            let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
            return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
        }
    }

    /// The stored samples as 8-bit ones: 16-bit samples keep their high byte, low bit depths are
    /// unpacked (gray levels scaled to 0…255), palette indices become colours.
    private func expand(_ rows: [UInt8], _ header: Header, palette: [UInt8], paletteAlpha: [UInt8]) throws -> PNGImage {
        let count = rowBytes(header), stored = header.storedChannels, depth = header.bitDepth
        let isPalette = header.colorType == 3, hasAlpha = isPalette && !paletteAlpha.isEmpty
        let channels = isPalette ? (hasAlpha ? 4 : 3) : stored
        var samples = [UInt8]()
        samples.reserveCapacity(header.width * header.height * channels)
        for row in 0..<header.height {
            let start = row * count
            for column in 0..<header.width {
                if depth >= 8 {
                    let bytesPerSample = depth / 8, pixel = start + column * stored * bytesPerSample
                    if isPalette {
                        try appendColour(Int(rows[pixel]), palette, paletteAlpha, hasAlpha, to: &samples)
                    } else {
                        for channel in 0..<stored { samples.append(rows[pixel + channel * bytesPerSample]) }
                    }
                } else {
                    // One sample per pixel, packed from the most significant bit.
                    let bit = column * depth, byte = rows[start + bit / 8]
                    let value = Int(byte >> UInt8(8 - depth - bit % 8)) & (1 << depth - 1)
                    if isPalette {
                        try appendColour(value, palette, paletteAlpha, hasAlpha, to: &samples)
                    } else {
                        samples.append(UInt8(value * 255 / (1 << depth - 1)))
                    }
                }
            }
        }
        return try PNGImage(width: header.width, height: header.height, channels: channels, samples: samples)
    }

    private func appendColour(_ index: Int, _ palette: [UInt8], _ alpha: [UInt8], _ hasAlpha: Bool, to samples: inout [UInt8]) throws {
        guard index * 3 + 2 < palette.count else { throw malformed("palette index \(index) in a palette of \(palette.count / 3) colours") }
        samples.append(contentsOf: palette[index * 3...index * 3 + 2])
        // Entries past the end of tRNS are opaque.
        if hasAlpha { samples.append(index < alpha.count ? alpha[index] : 255) }
    }

    private func bigEndian32(at offset: Int) -> UInt32 {
        data[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    private func hex(_ value: UInt32) -> String { String(format: "%08x", value) }

    private func malformed(_ reason: String) -> DataError { .malformedImage(file, reason: reason) }
}
