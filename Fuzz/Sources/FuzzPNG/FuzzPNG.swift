import CFuzzerDriver
import Foundation
import Neurite

/// One libFuzzer input: the bytes of a PNG file, decoded and, when it decodes, prepared as an
/// MNIST digit (the path of `neurite predict MODEL picture.png`). Any error is fine; a trap, a
/// hang or an allocation beyond the limit set below is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    // Read by SizeLimit once, on first use: keeps every accepted header small enough to inflate.
    setenv("NEURITE_MAX_BYTES", "4000000", 0)
    var bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    // Half the inputs get their chunks' CRCs made right: a mutation almost never keeps a CRC
    // valid, and without this nearly every input would stop at the first chunk check.
    if bytes.count % 2 == 0 { correctChecksums(&bytes) }
    let data = Data(bytes)
    if let image = try? PNGImage(parsing: data, file: URL(fileURLWithPath: "fuzz.png")) {
        _ = try? MNIST.digit(from: image)
    }
    return 0
}

/// Rewrites the CRC-32 of every whole chunk after the 8-byte signature.
func correctChecksums(_ bytes: inout [UInt8]) {
    var offset = 8
    while bytes.count - offset >= 12 {
        let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        guard length <= bytes.count - offset - 12 else { return }
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes[offset + 4..<offset + 8 + length] {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? crc >> 1 ^ 0xEDB8_8320 : crc >> 1 }
        }
        crc = ~crc
        for index in 0..<4 { bytes[offset + 8 + length + index] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * index)) }
        offset += 12 + length
    }
}

/// The entry point SwiftPM links for this target: libFuzzer's driver, on the function above.
@_cdecl("FuzzPNG_main")
public func fuzzPNGMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    neurite_run_fuzzer(argc, argv, fuzzPNG)
}
