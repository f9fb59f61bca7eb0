import Foundation
import Testing
@testable import Neurite

/// The ONNX writer, checked by reading its bytes back with a protobuf decoder written here from
/// the wire-format specification. `scripts/check_onnx.py` checks the files with the onnx checker
/// and onnxruntime (not part of `swift test`).
@Suite("ONNX export")
struct ONNXExportTests {
    /// One decoded field: a varint, 4 fixed bytes, or length-delimited bytes (strings, messages).
    enum Value: Equatable {
        case varint(UInt64)
        case fixed32(UInt32)
        case bytes([UInt8])
    }

    /// The fields of a message, in order; fails the test on bytes that are not protobuf.
    static func decode(_ bytes: [UInt8]) throws -> [(field: Int, value: Value)] {
        var fields: [(Int, Value)] = [], position = 0
        func varint() throws -> UInt64 {
            var result: UInt64 = 0, shift: UInt64 = 0
            while true {
                let byte = try #require(position < bytes.count ? bytes[position] : nil)
                position += 1
                result |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return result }
                shift += 7
                try #require(shift < 64)
            }
        }
        while position < bytes.count {
            let key = try varint()
            switch key & 7 {
            case 0: fields.append((Int(key >> 3), .varint(try varint())))
            case 5:
                try #require(position + 4 <= bytes.count)
                let word = (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[position + $1]) << (8 * $1) }
                fields.append((Int(key >> 3), .fixed32(word)))
                position += 4
            case 2:
                let length = Int(try varint())
                try #require(position + length <= bytes.count)
                fields.append((Int(key >> 3), .bytes(Array(bytes[position..<position + length]))))
                position += length
            default:
                Issue.record("wire type \(key & 7) is not written by Neurite")
                return fields
            }
        }
        return fields
    }

    static func messages(_ fields: [(field: Int, value: Value)], _ number: Int) -> [[UInt8]] {
        fields.compactMap { $0.field == number ? { if case let .bytes(b) = $0.value { return b } else { return nil } }($0) : nil }
    }
    static func strings(_ fields: [(field: Int, value: Value)], _ number: Int) -> [String] {
        messages(fields, number).map { String(decoding: $0, as: UTF8.self) }
    }
    static func integers(_ fields: [(field: Int, value: Value)], _ number: Int) -> [Int] {
        fields.compactMap { if $0.field == number, case let .varint(v) = $0.value { return Int(Int64(bitPattern: v)) } else { return nil } }
    }

    @Test func varintsAndNegativeIntegers() {
        var writer = ProtobufWriter()
        writer.int(1, 300)
        #expect(writer.bytes == [0x08, 0xAC, 0x02])
        writer = ProtobufWriter()
        writer.int(2, -1)
        #expect(writer.bytes == [0x10] + Array(repeating: 0xFF, count: 9) + [0x01])
        writer = ProtobufWriter()
        writer.float(2, 1)
        #expect(writer.bytes == [0x15, 0x00, 0x00, 0x80, 0x3F])
    }

    @Test func leNetGraphHasTheOperatorsWeightsAndShapes() throws {
        let model = try Architecture(Architecture.leNet5).build(inputShape: [784], seed: 3)
        let file = try Self.decode(try model.onnxModel(sampleShape: [784]))
        #expect(Self.integers(file, 1) == [8])  // IR version
        let opset = try Self.decode(try #require(Self.messages(file, 8).first))
        #expect(Self.integers(opset, 2) == [17] && Self.strings(opset, 1).isEmpty)
        let graph = try Self.decode(try #require(Self.messages(file, 7).first))

        let nodes = try Self.messages(graph, 1).map(Self.decode)
        #expect(nodes.map { Self.strings($0, 4).first! } == [
            "Reshape", "Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm", "Relu", "Gemm",
        ])
        for (previous, next) in zip(nodes, nodes.dropFirst()) { #expect(Self.strings(next, 1).first == Self.strings(previous, 2).first) }
        #expect(Self.strings(nodes[0], 1).first == "input" && Self.strings(nodes.last!, 2) == ["output"])
        let convAttributes = try Self.messages(nodes[1], 5).map(Self.decode)
        let pads = try #require(convAttributes.first { Self.strings($0, 1) == ["pads"] })
        #expect(Self.integers(pads, 8) == [2, 2, 2, 2] && Self.integers(pads, 20) == [7])

        let initializers = try Self.messages(graph, 5).map(Self.decode)
        let firstDense = try #require(initializers.first { Self.strings($0, 8).first == Self.strings(nodes[8], 1)[1] })
        #expect(Self.integers(firstDense, 1) == [400, 120] && Self.integers(firstDense, 2) == [1])
        let raw = try #require(Self.messages(firstDense, 9).first)
        let weights = stride(from: 0, to: raw.count, by: 4).map { base in
            Float(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(raw[base + $1]) << (8 * $1) })
        }
        #expect(weights == (model.layers[8] as! Dense).weight.scalars)
        let shape = try #require(initializers.first { Self.strings($0, 8).first == Self.strings(nodes[0], 1)[1] })
        #expect(Self.integers(shape, 2) == [7] && Self.messages(shape, 9).first! == [0, 1, 28, 28].flatMap { (v: Int64) in
            withUnsafeBytes(of: v.littleEndian) { Array($0) }
        })

        func dimensions(_ valueInfo: [UInt8]) throws -> [String] {
            let type = try Self.decode(try #require(Self.messages(try Self.decode(valueInfo), 2).first))
            let tensor = try Self.decode(try #require(Self.messages(type, 1).first))
            #expect(Self.integers(tensor, 1) == [1])  // FLOAT
            let shape = try Self.decode(try #require(Self.messages(tensor, 2).first))
            return try Self.messages(shape, 1).map(Self.decode).map { Self.strings($0, 2).first ?? "\(Self.integers($0, 1)[0])" }
        }
        #expect(try dimensions(Self.messages(graph, 11)[0]) == ["batch", "784"])
        #expect(try dimensions(Self.messages(graph, 12)[0]) == ["batch", "10"])
    }

    @Test func dropoutIsLeftOutAndGlobalPoolingIsFlattened() throws {
        let model = try Architecture("reshape(1,4,4) conv(2,3,padding:same) batchnorm globalavgpool dropout(0.5) dense(2,softmax)")
            .build(inputShape: [16], seed: 1)
        let graph = try Self.decode(try #require(Self.messages(try Self.decode(try model.onnxModel(sampleShape: [16])), 7).first))
        let operations = try Self.messages(graph, 1).map(Self.decode).map { Self.strings($0, 4).first! }
        #expect(operations == ["Reshape", "Conv", "BatchNormalization", "GlobalAveragePool", "Flatten", "Gemm", "Softmax"])
        #expect(throws: InteropError.unsupportedLayer("Residual")) {
            try Sequential([Dense(16, 2), Sequential([Residual()])]).onnxModel(sampleShape: [16])
        }
    }

    struct Residual: Layer {
        func callAsFunction(_ input: Tensor) throws -> Tensor { input }
    }
}
