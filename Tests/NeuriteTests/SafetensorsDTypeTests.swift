import Foundation
import Testing
@testable import Neurite

@Suite("Safetensors dtypes and metadata")
struct SafetensorsDTypeTests {
    let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-dtypes-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// Written by Python's `safetensors` (Tests/Fixtures/make_safetensors_dtypes.py).
    @Test func readsEveryDTypeOfAPythonFile() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/python-dtypes", withExtension: "safetensors"))
        let (tensors, metadata) = try Safetensors.read(from: url)
        #expect(metadata == ["format": "pt", "neurite.note": "made by make_safetensors_dtypes.py", "empty": ""])
        #expect(tensors["f16"]?.scalars == [1.5, -2.25, 65504, 0x1p-24])
        #expect(tensors["bf16"]?.scalars == [1, -3, 0x1p100])
        #expect(tensors["f64"]?.shape == [2, 2])
        #expect(tensors["f64"]?.scalars == [0.5, -2.5, Float(1e-3), 4])
        #expect(tensors["f32"]?.scalars == [3.25])
        #expect(tensors["i64"]?.scalars == [0, 9, -3, 0x1p40])
        #expect(tensors["i32"]?.scalars == [7, -7])
        #expect(tensors["u8"]?.scalars == [0, 255, 128])
        #expect(tensors["scalar"]?.shape == [])
        #expect(tensors["scalar"]?.scalars == [2])
    }

    @Test func halfPrecisionConversionsMatchIEEE() {
        // Against Swift's own Float16 where the platform has it, on a sweep of all 65536 halves.
        #if arch(x86_64) || arch(arm64)
        for bits in UInt16.min...UInt16.max {
            let reference = Float(Float16(bitPattern: bits))
            let converted = halfToFloat(bits)
            #expect(converted.bitPattern == reference.bitPattern || (converted.isNaN && reference.isNaN))
            if !reference.isNaN {
                #expect(floatToHalf(reference) == bits)
            }
        }
        for value: Float in [0.1, -1e-6, 1e-8, 65519, 65520, 3.14159, 2049, 2051, 1e-7] {
            #expect(floatToHalf(value) == Float16(value).bitPattern, "\(value)")
        }
        #endif
    }

    @Test func writesFloat16OnRequestAndRefusesWhatDoesNotFit() throws {
        let url = directory.appendingPathComponent("half.safetensors")
        let tensor = try Tensor(shape: [2, 2], scalars: [1, 0.1, -65504, 3])
        try Safetensors.write([("w", tensor)], metadata: ["k": "v"], dtype: .float16, to: url)
        let (tensors, metadata) = try Safetensors.read(from: url)
        #expect(metadata == ["k": "v"])
        #expect(tensors["w"]?.scalars == [1, halfToFloat(floatToHalf(0.1)), -65504, 3])
        #expect(try Data(contentsOf: url).count < 8 + 200 + 8)
        #expect(throws: SerializationError.nonFinite(url, tensor: "big")) {
            try Safetensors.write([("big", Tensor([70000]))], dtype: .float16, to: url)
        }
    }

    @Test func nonFiniteWeightsAreNeverSavedAndTheOldFileStays() throws {
        let url = directory.appendingPathComponent("model.safetensors")
        let model = Dense(3, 2, seed: 1)
        try model.save(to: url)
        let before = try Data(contentsOf: url)
        model.weight = try Tensor(shape: [3, 2], scalars: [1, 2, .infinity, 4, 5, 6])
        #expect(throws: SerializationError.nonFinite(url, tensor: "weight")) { try model.save(to: url) }
        #expect(try Data(contentsOf: url) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.safetensors"])
    }
}
