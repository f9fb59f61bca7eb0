import Foundation
import Testing
import CZlib
@testable import Neurite

/// Hand-made bad IDX and gzip files: each must give a `DataError` naming the file and saying
/// what is wrong, never a trap or a large allocation.
@Suite("Hostile inputs: IDX and gzip")
struct HostileIDXTests {
    static let file = URL(fileURLWithPath: "/corpus/bad-idx3-ubyte")

    static func header(_ dimensions: [UInt32]) -> [UInt8] {
        [0, 0, 8, UInt8(dimensions.count)] + dimensions.flatMap { d in [24, 16, 8, 0].map { UInt8((d >> $0) & 0xFF) } }
    }

    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        deflateInit2_(&stream, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        var input = bytes
        input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = destination.baseAddress
                stream.avail_out = uInt(destination.count)
                deflate(&stream, Z_FINISH)
            }
        }
        let produced = Int(stream.total_out)
        deflateEnd(&stream)
        return Array(output.prefix(produced))
    }

    /// (name, bytes, what the message must say)
    static let cases: [(String, [UInt8], String)] = {
        let good = header([2, 3]) + Array(repeating: 7, count: 6)
        let compressed = gzip(good)
        var badTrailer = compressed
        badTrailer[badTrailer.count - 6] ^= 0xFF
        // A gzip bomb: the header promises 16 bytes, the stream holds 8 MB more.
        let bomb = gzip(header([16]) + [UInt8](repeating: 0, count: 16 + 8_000_000))
        return [
            ("empty file", [], "bad magic number"),
            ("three bytes", [0, 0, 8], "bad magic number"),
            ("nonzero magic", [1, 0, 8, 1, 0, 0, 0, 1, 5], "bad magic number"),
            ("float elements", [0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0], "element type 0xd"),
            ("rank 0", [0, 0, 8, 0], "rank 0"),
            ("rank 255", [0, 0, 8, 255] + [UInt8](repeating: 0xFF, count: 64), "rank 255"),
            ("truncated header", [0, 0, 8, 3, 0, 0, 0, 2, 0, 0], "truncated header"),
            ("dimensions 0xFFFFFFFF", header([.max, .max, .max]), "64-bit count"),
            ("4 GB promised, none there", header([.max]), "needing 4294967295 bytes of data, but 0 bytes"),
            ("one byte short", header([2, 3]) + [UInt8](repeating: 1, count: 5), "needing 6 bytes of data, but 5 bytes"),
            ("one byte long", header([2, 3]) + [UInt8](repeating: 1, count: 7), "needing 6 bytes of data, but more bytes"),
            ("gzip magic then garbage", [0x1F, 0x8B] + [UInt8](repeating: 0x55, count: 30), "corrupt stream"),
            ("gzip cut in half", Array(compressed.prefix(compressed.count / 2)), "corrupt stream"),
            ("gzip with a wrong CRC", badTrailer, "corrupt stream"),
            ("gzip bomb", bomb, "needing 16 bytes of data, but more bytes"),
            ("gzip promising 4 GB", gzip(header([.max]) + [1, 2, 3]), "more than"),
            ("gzip of nothing", gzip([]), "bad magic number"),
            ("gzip header only", Array(compressed.prefix(10)), "corrupt stream"),
            ("gzip of a short payload", gzip(header([100]) + [1, 2]), "needing 100 bytes of data, but 2 bytes"),
        ]
    }()

    @Test(arguments: cases.indices)
    func refusedWithItsReason(_ index: Int) {
        let (name, bytes, expected) = Self.cases[index]
        #expect(name.isEmpty == false)
        #expect {
            try IDXFile(parsing: Data(bytes), file: Self.file)
        } throws: { error in
            guard let error = error as? DataError else { return false }
            let text = "\(error)"
            return text.hasPrefix(Self.file.path) && text.contains(expected)
        }
    }
}
