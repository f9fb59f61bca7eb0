import CZlib
import Foundation

/// An array of unsigned bytes in the IDX format of the MNIST files: a 4-byte magic number
/// (0, 0, element type, rank), the dimensions as big-endian 32-bit integers, then the elements.
public struct IDXFile: Sendable {
    /// The size of each dimension, e.g. `[60000, 28, 28]`.
    public let dimensions: [Int]
    /// The elements in row-major order.
    public let bytes: [UInt8]

    /// Reads a raw or gzip-compressed IDX file of unsigned bytes (element type 0x08).
    ///
    /// The header is read first, and no more than the payload it promises (plus one byte, to tell
    /// an over-long file) is ever decompressed; the payload's size is checked against
    /// ``SizeLimit`` before it is read.
    /// - Parameter expectedCRC32: zlib's CRC-32 of the decompressed file, when known; a mismatch
    ///   throws, so a corrupted download is never trained on.
    /// - Throws: ``DataError``, naming the file, for a missing, damaged or truncated file.
    public init(contentsOf url: URL, expectedCRC32: UInt32? = nil) throws {
        guard FileManager.default.fileExists(atPath: url.path) else { throw DataError.fileNotFound(url) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw DataError.unreadable(url, reason: describeFileError(error)) }
        try self.init(parsing: data, file: url, expectedCRC32: expectedCRC32)
    }

    /// Parses the bytes of a raw or gzipped IDX file; `url` only names it in errors.
    public init(parsing data: Data, file url: URL, expectedCRC32: UInt32? = nil) throws {
        var source = try IDXByteSource(data, file: url)
        let magic = [UInt8](try source.read(4))
        guard magic.count == 4, magic[0] == 0, magic[1] == 0 else { throw DataError.malformed(url, reason: "a bad magic number (the file must start with two zero bytes)") }
        guard magic[2] == 0x08 else {
            throw DataError.malformed(url, reason: "element type 0x\(String(magic[2], radix: 16)), not unsigned byte (0x08)")
        }
        let rank = Int(magic[3])
        // MNIST-style data has rank 1 (labels) to 4; 255 dimensions of 4 bytes each are read
        // safely, but no sample needs more than 8.
        guard (1...8).contains(rank) else { throw DataError.malformed(url, reason: "rank \(rank), not in 1...8") }
        let header = [UInt8](try source.read(4 * rank))
        guard header.count == 4 * rank else { throw DataError.malformed(url, reason: "a truncated header") }
        let dimensions = (0..<rank).map { axis in header[(4 * axis)..<(4 * axis + 4)].reduce(0) { $0 << 8 | Int($1) } }
        if let problem = SizeLimit.problem(shape: dimensions, bytesPerElement: 1) {
            throw DataError.malformed(url, reason: problem)
        }
        let expected = SizeLimit.elementCount(dimensions)!
        if source.isCompressed, expected / InflateStream.largestExpansion > data.count {
            throw DataError.malformed(
                url, reason: "dimensions \(dimensions) needing \(expected) bytes, more than \(data.count) compressed bytes can hold")
        }
        let payload = try source.read(expected + 1)
        guard payload.count == expected else {
            let found = payload.count > expected ? "more" : "\(payload.count)"
            throw DataError.malformed(url, reason: "dimensions \(dimensions) needing \(expected) bytes of data, but \(found) bytes")
        }
        if let expectedCRC32 {
            var checksum = crc32(0, magic, 4)
            checksum = crc32(checksum, header, uInt(header.count))
            checksum = payload.withUnsafeBytes { crc32_z(checksum, $0.bindMemory(to: Bytef.self).baseAddress, $0.count) }
            guard UInt32(checksum) == expectedCRC32 else {
                throw DataError.checksumMismatch(url, expected: hex(expectedCRC32), actual: hex(UInt32(checksum)))
            }
        }
        self.dimensions = dimensions
        self.bytes = [UInt8](payload)
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 8 - digits.count) + digits
}

/// The decompressed bytes of an IDX file, whether stored raw or gzipped, read front to back.
private struct IDXByteSource {
    private let gzip: InflateStream?
    private let raw: Data
    private var position = 0

    init(_ data: Data, file: URL) throws {
        raw = data
        gzip = InflateStream.isCompressed(data) ? try InflateStream(data, file: file) : nil
    }

    var isCompressed: Bool { gzip != nil }

    /// Up to `count` more bytes.
    mutating func read(_ count: Int) throws -> Data {
        if let gzip { return try gzip.read(upTo: count) }
        let end = position + min(count, raw.count - position)
        defer { position = end }
        return raw.subdata(in: (raw.startIndex + position)..<(raw.startIndex + end))
    }
}
