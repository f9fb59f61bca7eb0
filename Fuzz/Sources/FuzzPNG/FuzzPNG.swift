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
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    if let image = try? PNGImage(parsing: data, file: URL(fileURLWithPath: "fuzz.png")) {
        _ = try? MNIST.digit(from: image)
    }
    return 0
}

/// The entry point SwiftPM links for this target: libFuzzer's driver, on the function above.
@_cdecl("FuzzPNG_main")
public func fuzzPNGMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    neurite_run_fuzzer(argc, argv, fuzzPNG)
}
