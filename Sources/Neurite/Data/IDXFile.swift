import Crypto
import Foundation

/// An array of unsigned bytes in the IDX format of the MNIST files: a 4-byte magic number
/// (0, 0, element type, rank), the dimensions as big-endian 32-bit integers, then the elements.
public struct IDXFile: Sendable {
    /// The size of each dimension, e.g. `[60000, 28, 28]`.
    public let dimensions: [Int]
    /// The elements in row-major order.
    public let bytes: [UInt8]

    /// Reads a raw or gzip-compressed IDX file of unsigned bytes (element type 0x08).
    /// - Parameter expectedSHA256: the digest of the decompressed file, when known; a mismatch
    ///   throws, so a corrupted download is never trained on.
    /// - Throws: ``DataError``, naming the file, for a missing, damaged or truncated file.
    public init(contentsOf url: URL, expectedSHA256: String? = nil) throws {
        guard FileManager.default.fileExists(atPath: url.path) else { throw DataError.fileNotFound(url) }
        var data: Data
        do { data = try Data(contentsOf: url) } catch { throw DataError.unreadable(url, reason: "\(error)") }
        if Gzip.isCompressed(data) { data = try Gzip.decompress(data, file: url) }
        if let expected = expectedSHA256?.lowercased() {
            let actual = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            guard actual == expected else { throw DataError.checksumMismatch(url, expected: expected, actual: actual) }
        }
        try self.init(parsing: data, file: url)
    }

    init(parsing data: Data, file url: URL) throws {
        let bytes = [UInt8](data)
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else {
            throw DataError.malformed(url, reason: "bad magic number")
        }
        guard bytes[2] == 0x08 else {
            throw DataError.malformed(url, reason: "element type 0x\(String(bytes[2], radix: 16)) is not unsigned byte (0x08)")
        }
        let rank = Int(bytes[3])
        let headerSize = 4 + 4 * rank
        guard rank > 0, bytes.count >= headerSize else { throw DataError.malformed(url, reason: "header is truncated") }
        let dimensions = (0..<rank).map { axis in
            bytes[(4 + 4 * axis)..<(8 + 4 * axis)].reduce(0) { $0 << 8 | Int($1) }
        }
        let expected = dimensions.reduce(1, *)
        guard bytes.count - headerSize == expected else {
            throw DataError.malformed(
                url, reason: "dimensions \(dimensions) need \(expected) bytes of data, the file has \(bytes.count - headerSize)")
        }
        self.dimensions = dimensions
        self.bytes = Array(bytes[headerSize...])
    }
}
