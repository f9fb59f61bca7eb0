import CFuzzerDriver
import Foundation
import Neurite

/// One libFuzzer input: the bytes of a safetensors file. Any error is fine; a trap, a hang or
/// an allocation beyond the limit set below is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    setenv("NEURITE_MAX_BYTES", "4000000", 0)
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    _ = try? Safetensors.read(data, file: URL(fileURLWithPath: "fuzz.safetensors"))
    return 0
}

/// The entry point SwiftPM links for this target: libFuzzer's driver, on the function above.
@_cdecl("FuzzSafetensors_main")
public func fuzzSafetensorsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    neurite_run_fuzzer(argc, argv, fuzzSafetensors)
}
