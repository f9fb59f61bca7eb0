import CZlib
import Foundation

/// gzip decompression through the system zlib.
enum Gzip {
    /// Whether `data` starts with the gzip magic number 1f 8b.
    static func isCompressed(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    /// The decompressed bytes of a gzip stream.
    /// - Throws: ``DataError/corruptCompression(_:reason:)`` naming `file` when the stream is
    ///   damaged or ends early.
    static func decompress(_ data: Data, file: URL) throws -> Data {
        var stream = z_stream()
        // 15 window bits + 16 selects the gzip wrapper (header and CRC-32 check).
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError.corruptCompression(file, reason: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        // The gzip trailer stores the uncompressed size modulo 2³²: a good first guess.
        let trailerSize = data.count >= 4 ? data.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) } : 0
        var output = Data(count: max(trailerSize, data.count * 2, 1024))
        var produced = 0
        var status: Int32 = Z_OK
        try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(input.count)
            while status == Z_OK {
                if produced == output.count { output.count *= 2 }
                status = output.withUnsafeMutableBytes { (buffer: UnsafeMutableRawBufferPointer) -> Int32 in
                    stream.next_out = buffer.bindMemory(to: Bytef.self).baseAddress! + produced
                    stream.avail_out = uInt(buffer.count - produced)
                    let result = inflate(&stream, Z_NO_FLUSH)
                    produced = buffer.count - Int(stream.avail_out)
                    return result
                }
                if status == Z_BUF_ERROR && stream.avail_in == 0 {
                    throw DataError.corruptCompression(file, reason: "the stream ends early (truncated file?)")
                }
                if status == Z_BUF_ERROR { status = Z_OK }  // output full: grow and go on
            }
        }
        guard status == Z_STREAM_END else {
            let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
            throw DataError.corruptCompression(file, reason: message)
        }
        output.count = produced
        return output
    }
}
