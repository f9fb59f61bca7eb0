import Foundation
import Testing
@testable import Neurite

/// Hand-made bad safetensors files: each must give a `SerializationError` naming the file and
/// saying what is wrong (with the numbers), never a trap or a large allocation.
@Suite("Hostile inputs: safetensors")
struct HostileSafetensorsTests {
    static let file = URL(fileURLWithPath: "/corpus/bad.safetensors")

    /// A file with `header` as its JSON text and `data` as its buffer.
    static func file(_ header: String, data: Int = 0, length: UInt64? = nil) -> [UInt8] {
        let json = Array(header.utf8)
        return withUnsafeBytes(of: (length ?? UInt64(json.count)).littleEndian, Array.init) + json + [UInt8](repeating: 0, count: data)
    }

    static func file(json: [UInt8]) -> [UInt8] {
        withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json
    }

    static func tensor(_ name: String, _ shape: String, _ begin: String, _ end: String) -> String {
        typedTensor(name, "F32", shape, begin, end)
    }

    static func typedTensor(_ name: String, _ dtype: String, _ shape: String, _ begin: String, _ end: String) -> String {
        "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":[\(shape)],\"data_offsets\":[\(begin),\(end)]}"
    }

    /// (name, bytes, what the message must say)
    static let cases: [(String, [UInt8], String)] = [
        ("empty file", [], "0 bytes, fewer than the 8-byte header length"),
        ("seven bytes", [1, 2, 3, 4, 5, 6, 7], "7 bytes"),
        ("header longer than the file", file("{}", length: 100), "header length of 100 bytes"),
        ("header length 2^63", file("{}", length: 1 << 63), "header length of 9223372036854775808"),
        ("header not JSON", file("hello"), "not JSON"),
        ("header a JSON array", file("[1,2]"), "not a JSON object"),
        ("deep nesting", file(String(repeating: "[", count: 10_000)), "levels of nesting"),
        ("duplicate names", file("{\(tensor("a", "2", "0", "8")),\(tensor("a", "2", "8", "16"))}", data: 16), "\"a\" appears twice"),
        ("unknown dtype", file("{\(typedTensor("a", "F8_E4M3", "1", "0", "1"))}", data: 1), "dtype F8_E4M3"),
        ("no dtype", file("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", data: 4), "without a dtype"),
        ("negative dimension", file("{\(tensor("a", "-1", "0", "4"))}", data: 4), "not a list of counts"),
        ("shape 2^32 × 2^32", file("{\(tensor("a", "4294967296,4294967296", "0", "4"))}", data: 4), "64-bit count"),
        ("shape 2^62", file("{\(tensor("a", "4611686018427387904", "0", "4"))}", data: 4), "more bytes than a 64-bit count"),
        ("end offset Int.max", file("{\(tensor("a", "1", "0", "9223372036854775807"))}", data: 4), "hold 9223372036854775807"),
        ("offsets running backwards", file("{\(tensor("a", "1", "4", "0"))}", data: 4), "running backwards"),
        ("shape × dtype ≠ range", file("{\(tensor("a", "3", "0", "8"))}", data: 8), "needing 3 × 4 = 12 bytes, but data_offsets [0, 8] hold 8"),
        ("F16 size mismatch", file("{\(typedTensor("a", "F16", "3", "0", "4"))}", data: 4), "3 × 2 = 6 bytes"),
        ("overlapping tensors", file("{\(tensor("a", "2", "0", "8")),\(tensor("b", "2", "4", "12"))}", data: 12), "overlapping"),
        ("overlap with metadata", file("{\"__metadata__\":{\"k\":\"v\"},\(tensor("a", "2", "0", "8")),\(tensor("b", "2", "0", "8"))}", data: 8), "overlapping"),
        ("hole between tensors", file("{\(tensor("a", "1", "0", "4")),\(tensor("b", "1", "8", "12"))}", data: 12), "hole of unused bytes [4, 8)"),
        ("bytes after the last tensor", file("{\(tensor("a", "1", "0", "4"))}", data: 12), "8 bytes after the last tensor"),
        ("data past the end", file("{\(tensor("a", "4", "0", "16"))}", data: 8), "past the 8 bytes of data"),
        ("fractional offsets", file("{\(tensor("a", "1", "0.5", "4"))}", data: 4), "without data_offsets"),
        ("shape as a string", file("{\"a\":{\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,8]}}", data: 8), "without a shape"),
        ("boolean in a shape", file("{\(tensor("a", "true", "0", "4"))}", data: 4), "not a list of counts"),
        ("huge literal offset", file("{\(tensor("a", "1", "0", "1e30"))}", data: 4), "without data_offsets"),
        ("metadata not an object", file("{\"__metadata__\":[1]}"), "__metadata__ that is not an object"),
        ("control character in a name", file("{\"a\u{01}\":{}}"), "no control character"),
        ("invalid UTF-8 in a name", file(json: Array("{\"".utf8) + [0xFF] + Array("\":{}}".utf8)), "expected UTF-8 text"),
        ("lone surrogate escape", file("{\"\\ud800\":{}}"), "surrogate pair"),
        ("unterminated string", file("{\"abc"), "closing the string"),
        ("trailing garbage", file("{} x"), "end of the header"),
        ("tensor not an object", file("{\"a\":[1,2]}"), "other than an object"),
    ]

    @Test(arguments: cases.indices)
    func refusedWithItsReason(_ index: Int) {
        let (_, bytes, expected) = Self.cases[index]
        #expect {
            try Safetensors.read(Data(bytes), file: Self.file)
        } throws: { error in
            guard let error = error as? SerializationError else { return false }
            let text = "\(error)"
            return text.hasPrefix(Self.file.path) && text.contains(expected)
        }
    }

    @Test func nonFiniteWeightsAreRefusedWhenLoadedForUseNamingTheTensor() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-nan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("nan.safetensors")
        let json = "{\(Self.tensor("bias", "2", "0", "8")),\(Self.tensor("weight", "3,2", "8", "32"))}"
        var bytes = Self.file(json, data: 32)
        withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { bytes.replaceSubrange((bytes.count - 4)..., with: $0) }
        try Data(bytes).write(to: url)
        #expect(try Safetensors.read(from: url).tensors["weight"]?.scalars.last?.isNaN == true)
        #expect(throws: SerializationError.nonFinite(url, tensor: "weight")) { try Dense(3, 2, seed: 1).load(from: url) }
    }
}
