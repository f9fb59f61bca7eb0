import CZlib
import Foundation

/// Deflate decompression through the system zlib (a gzip file, or the zlib stream inside a PNG),
/// in steps, so that a reader can stop as soon as it has the bytes it needs: a 1 MB "gzip bomb"
/// that would inflate to gigabytes costs only what the file's own header promises.
///
/// A class: zlib keeps a pointer back to its `z_stream` and refuses a stream that has moved, so
/// the stream lives at one heap address for its whole life.
final class InflateStream {
    /// The wrapper around the deflate data: its header and check value.
    enum Wrapper {
        /// RFC 1952: a gzip file, CRC-32 of the inflated bytes.
        case gzip
        /// RFC 1950: two header bytes, Adler-32 of the inflated bytes (PNG's image data).
        case zlib
    }

    /// Deflate's best case is about 1032 : 1, so a stream cannot honestly inflate past this many
    /// bytes per compressed byte; a header promising more is refused before inflating.
    static let largestExpansion = 1032

    private let input: Data
    private let file: URL
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private var consumed = 0
    private var ended = false

    /// Whether `data` starts with the gzip magic number 1f 8b.
    static func isCompressed(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    /// - Throws: ``DataError/corruptCompression(_:reason:)`` when zlib cannot start.
    init(_ data: Data, file: URL, wrapper: Wrapper = .gzip) throws {
        input = data
        self.file = file
        // 15 window bits + 16 selects the gzip wrapper (header and CRC-32 check), 15 alone zlib's.
        stream.initialize(to: z_stream())
        guard inflateInit2_(stream, wrapper == .gzip ? 15 + 16 : 15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError.corruptCompression(file, reason: "zlib could not start")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Up to `count` more decompressed bytes; fewer only when the stream ends.
    /// - Throws: ``DataError/corruptCompression(_:reason:)`` naming the file when the stream is
    ///   damaged or ends before its trailer.
    func read(upTo count: Int) throws -> Data {
        var output = Data()
        // Grow in steps rather than allocating `count` at once: `count` comes from a header that
        // may lie, and the stream may end long before.
        var chunk = 1 << 16
        while output.count < count, !ended {
            let wanted = min(chunk, count - output.count)
            chunk = min(chunk * 2, 1 << 26)
            var piece = Data(count: wanted)
            let produced = try piece.withUnsafeMutableBytes { buffer in try inflateStep(into: buffer) }
            output.append(piece.prefix(produced))
        }
        return output
    }

    /// Inflates into `buffer` until it is full or the stream ends; returns the bytes produced.
    private func inflateStep(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var status: Int32 = Z_OK
        var produced = 0
        try input.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            let base = bytes.bindMemory(to: Bytef.self).baseAddress
            stream.pointee.next_in = base.map { UnsafeMutablePointer(mutating: $0 + consumed) }
            stream.pointee.avail_in = uInt(bytes.count - consumed)
            stream.pointee.next_out = buffer.bindMemory(to: Bytef.self).baseAddress
            stream.pointee.avail_out = uInt(buffer.count)
            status = inflate(stream, Z_NO_FLUSH)
            consumed = bytes.count - Int(stream.pointee.avail_in)
            produced = buffer.count - Int(stream.pointee.avail_out)
            if status == Z_BUF_ERROR && stream.pointee.avail_in == 0 && produced < buffer.count {
                throw DataError.corruptCompression(file, reason: "the stream ends early (truncated file?)")
            }
        }
        switch status {
        case Z_STREAM_END: ended = true
        case Z_OK, Z_BUF_ERROR: break
        default:
            let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
            throw DataError.corruptCompression(file, reason: message)
        }
        return produced
    }
}
