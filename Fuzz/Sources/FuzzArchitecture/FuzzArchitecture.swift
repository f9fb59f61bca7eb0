import CFuzzerDriver
import Foundation
import Neurite

/// One libFuzzer input: architecture text, parsed and then built for flat MNIST samples and
/// for 1×28×28 images; each model that builds then runs a batch of two zero samples forward in
/// evaluation mode and forward and backward in training mode (a model that builds must run).
/// Any error is fine; a trap, a hang or an allocation beyond the limit set below is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArchitecture(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    // Models are allocated and initialised: a small limit keeps each input fast.
    setenv("NEURITE_MAX_BYTES", "4000000", 0)
    let bytes = start.map { [UInt8](UnsafeBufferPointer(start: $0, count: count)) } ?? []
    guard let text = String(validating: bytes, as: UTF8.self), let architecture = try? Architecture(text) else { return 0 }
    for shape in [[784], [1, 28, 28]] {
        guard let model = try? architecture.build(inputShape: shape, seed: 1, batchSize: 2) else { continue }
        let samples = Tensor.zeros([2] + shape)
        _ = try? withLayerMode(.evaluation) { try withoutGradient { try model(samples) } }
        _ = try? valueWithGradient(of: model) { try $0(samples).sum() }
    }
    return 0
}

/// The entry point SwiftPM links for this target: libFuzzer's driver, on the function above.
@_cdecl("FuzzArchitecture_main")
public func fuzzArchitectureMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    neurite_run_fuzzer(argc, argv, fuzzArchitecture)
}
