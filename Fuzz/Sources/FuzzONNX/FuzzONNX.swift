import CFuzzerDriver
import Foundation
import Neurite

/// One libFuzzer input: the bytes of an ONNX file, imported as a model. Any error is fine; a
/// trap, a hang or an allocation beyond the limit set below is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzONNX(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    setenv("NEURITE_MAX_BYTES", "4000000", 0)
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    _ = try? ONNXImport(bytes: bytes)
    return 0
}

/// The entry point SwiftPM links for this target: libFuzzer's driver, on the function above.
@_cdecl("FuzzONNX_main")
public func fuzzONNXMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    neurite_run_fuzzer(argc, argv, fuzzONNX)
}
