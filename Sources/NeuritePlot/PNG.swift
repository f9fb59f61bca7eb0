import CZlib
import Foundation

/// A PNG encoder: 8-bit RGB (or RGBA when any pixel is translucent), one zlib-compressed IDAT.
///
/// A PNG file is the 8-byte signature and a list of chunks, each `length | type | data | CRC-32
/// of type and data`. The image data is every row prefixed by a filter byte; filter 0 (none) is
/// used for every row: figures are mostly flat colour, which deflate compresses well as it is.
public enum PNG {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The PNG file of `raster`.
    public static func encode(_ raster: Raster) -> Data {
        let opaque = raster.pixels.allSatisfy { $0.alpha == 255 }
        let channels = opaque ? 3 : 4
        var rows = [UInt8]()
        rows.reserveCapacity(raster.height * (1 + raster.width * channels))
        for y in 0..<raster.height {
            rows.append(0)  // filter type: none
            for x in 0..<raster.width {
                let pixel = raster[x, y]
                rows += opaque ? [pixel.red, pixel.green, pixel.blue] : [pixel.red, pixel.green, pixel.blue, pixel.alpha]
            }
        }
        var header = bigEndian(UInt32(raster.width)) + bigEndian(UInt32(raster.height))
        header += [8, opaque ? 2 : 6, 0, 0, 0]  // bit depth, colour type (RGB or RGBA), compression, filter, interlace
        var file = Data(signature)
        file += chunk("IHDR", header)
        file += chunk("IDAT", deflate(rows))
        file += chunk("IEND", [])
        return file
    }

    /// `bytes` as a zlib stream (what IDAT holds), at the best compression.
    static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        var capacity = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let status = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &capacity, input.baseAddress, uLong(bytes.count), Z_BEST_COMPRESSION)
            }
        }
        // compressBound guarantees room, and the inputs are valid: a failure is a bug here.
        precondition(status == Z_OK, "zlib compress2 failed with status \(status)")
        return Array(output.prefix(Int(capacity)))
    }

    /// The CRC-32 (the one of zlib, PNG and gzip) of `bytes`.
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        UInt32(bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) })
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> Data {
        let typeAndData = Array(type.utf8) + data
        return Data(bigEndian(UInt32(data.count)) + typeAndData + bigEndian(checksum(typeAndData)))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
