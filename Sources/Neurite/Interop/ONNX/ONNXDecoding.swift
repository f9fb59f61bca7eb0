/// Reading the messages of ``ONNXGraph`` back from a file, with the field numbers given there.
///
/// Fields Neurite has no use for (documentation, metadata, value_info, training info) are
/// skipped, as protobuf intends; what would change the computation but cannot be read (weights
/// in a separate file, sparse weights, a graph without a typed input) is refused by name.
extension ONNXModel {
    /// The model in `bytes`, a serialized ModelProto.
    /// - Throws: ``InteropError/malformedONNX(_:)`` for bytes that are not one;
    ///   ``InteropError/unsupportedONNX(_:)`` for a graph whose input Neurite cannot take.
    init(decoding bytes: [UInt8]) throws {
        var reader = ProtobufReader(bytes)
        var graph: ProtobufReader?
        var opset: Int?
        while let field = try reader.nextField() {
            switch field.number {
            case 7: graph = try field.message()
            case 8:
                var operatorSet = try field.message()
                var domain = "", version = 1
                while let part = try operatorSet.nextField() {
                    if part.number == 1 { domain = try part.string() }
                    if part.number == 2 { version = try part.integer() }
                }
                if domain.isEmpty || domain == "ai.onnx" { opset = version }
            default: continue
            }
        }
        guard var graph else { throw InteropError.malformedONNX("no graph (a ModelProto's field 7) in \(bytes.count) bytes") }
        // Required by the specification: an operator's meaning depends on the version.
        guard let opset else { throw InteropError.malformedONNX("no version of ONNX's operator set (opset_import)") }
        var nodes: [ONNXNode] = [], initializers: [ONNXTensor] = []
        var inputs: [(name: String, shape: [Int?]?, elementType: Int)] = [], outputs: [String] = []
        while let field = try graph.nextField() {
            switch field.number {
            case 1: nodes.append(try ONNXNode(decoding: try field.message()))
            case 5: initializers.append(try ONNXTensor(decoding: try field.message()))
            case 11: inputs.append(try Self.value(decoding: try field.message()))
            case 12: outputs.append(try Self.value(decoding: try field.message()).name)
            case 15: throw InteropError.unsupportedONNX("the graph holds sparse weights (sparse_initializer), which Neurite does not read")
            default: continue
            }
        }
        // Before IR version 4 every initializer was listed among the inputs too.
        let constants = Set(initializers.map(\.name))
        let dataInputs = inputs.filter { !constants.contains($0.name) }
        guard dataInputs.count == 1, let input = dataInputs.first else {
            throw InteropError.unsupportedONNX("the graph has \(dataInputs.count) inputs (\(dataInputs.map(\.name).joined(separator: ", "))); Neurite's models take one")
        }
        guard outputs.count == 1, let output = outputs.first else {
            throw InteropError.unsupportedONNX("the graph has \(outputs.count) outputs; Neurite's models give one")
        }
        guard input.elementType == 1 else {
            throw InteropError.unsupportedONNX("the graph's input \(input.name) holds \(ONNXTensor.typeName(input.elementType)), not float")
        }
        guard let shape = input.shape, shape.count >= 2 else {
            throw InteropError.unsupportedONNX("the graph's input \(input.name) has \(input.shape.map { "shape of rank \($0.count)" } ?? "no shape"); Neurite needs [batch, …sample]")
        }
        let sample = shape.dropFirst().compactMap { $0 }
        guard sample.count == shape.count - 1, sample.allSatisfy({ $0 > 0 }) else {
            throw InteropError.unsupportedONNX("the graph's input \(input.name) has shape [\(shape.map { $0.map(String.init) ?? "?" }.joined(separator: ", "))]; every dimension after the batch must be a fixed, positive size")
        }
        self.init(nodes: nodes, initializers: initializers, inputShape: sample)
        (inputName, outputName, self.opset, batchSize) = (input.name, output, opset, shape[0])
    }

    /// A ValueInfoProto: the name, the dimensions (`nil` for a symbolic one such as `batch`; the
    /// whole shape `nil` when the file gives none) and the element type (FLOAT is 1).
    private static func value(decoding message: ProtobufReader) throws -> (name: String, shape: [Int?]?, elementType: Int) {
        var message = message
        var name = "", shape: [Int?]?, elementType = 0
        while let field = try message.nextField() {
            if field.number == 1 { name = try field.string() }
            guard field.number == 2 else { continue }
            var type = try field.message()
            while let typeField = try type.nextField() {
                guard typeField.number == 1 else { continue }  // tensor_type
                var tensor = try typeField.message()
                while let tensorField = try tensor.nextField() {
                    if tensorField.number == 1 { elementType = try tensorField.integer() }
                    guard tensorField.number == 2 else { continue }
                    var dimensions = try tensorField.message()
                    var decoded: [Int?] = []
                    while let dimension = try dimensions.nextField() {
                        guard dimension.number == 1 else { continue }
                        var parts = try dimension.message()
                        var size: Int?
                        while let part = try parts.nextField() {
                            if part.number == 1 { size = try part.integer() }
                        }
                        decoded.append(size)
                    }
                    shape = decoded
                }
            }
        }
        return (name, shape, elementType)
    }
}

extension ONNXNode {
    /// A NodeProto.
    init(decoding message: ProtobufReader) throws {
        var message = message
        var inputs: [String] = [], outputs: [String] = [], name = "", operation = "", domain = ""
        var attributes: [Attribute] = []
        while let field = try message.nextField() {
            switch field.number {
            case 1: inputs.append(try field.string())
            case 2: outputs.append(try field.string())
            case 3: name = try field.string()
            case 4: operation = try field.string()
            case 5: attributes.append(try Attribute(decoding: try field.message()))
            case 7: domain = try field.string()
            default: continue
            }
        }
        self.init(operation: operation, inputs: inputs, outputs: outputs, name: name, attributes: attributes, domain: domain == "ai.onnx" ? "" : domain)
    }
}

extension ONNXNode.Attribute {
    /// An AttributeProto. Its `type` says which value field holds the value; files from before
    /// `type` existed are read by the field that is present.
    init(decoding message: ProtobufReader) throws {
        var message = message
        var name = "", type = 0
        var float: Float?, integer: Int?, string: String?, tensor: ONNXTensor?, integers: [Int] = [], hasIntegers = false
        while let field = try message.nextField() {
            switch field.number {
            case 1: name = try field.string()
            case 2: float = try field.float()
            case 3: integer = try field.integer()
            case 4: string = try field.string()
            case 5: tensor = try ONNXTensor(decoding: try field.message())
            case 8: try field.appendIntegers(to: &integers); hasIntegers = true
            case 20: type = try field.integer()
            default: continue
            }
        }
        switch (type, float, integer, string, tensor) {
        case (1, let value?, _, _, _), (0, let value?, nil, nil, nil): self = .float(name, value)
        case (2, _, let value?, _, _), (0, nil, let value?, nil, nil): self = .int(name, value)
        case (3, _, _, let value?, _), (0, nil, nil, let value?, nil): self = .string(name, value)
        case (4, _, _, _, let value?), (0, nil, nil, nil, let value?): self = .tensor(name, value)
        case (1, nil, _, _, _): self = .float(name, 0)  // proto3 leaves a zero value out
        case (2, _, nil, _, _): self = .int(name, 0)
        case (3, _, _, nil, _): self = .string(name, "")
        default: self = type == 7 || (type == 0 && hasIntegers) ? .ints(name, integers) : .unread(name)
        }
    }
}

extension ONNXTensor {
    /// A TensorProto of floats (FLOAT, or DOUBLE rounded to float) or integers (INT64, INT32),
    /// from `raw_data` or the typed fields. The element count the dimensions give must be the
    /// count the data holds: nothing is allocated on the dimensions' word.
    init(decoding message: ProtobufReader) throws {
        var message = message
        var shape: [Int] = [], type = 0, name = "", raw: ArraySlice<UInt8>?
        var floats: [Float] = [], integers: [Int] = []
        while let field = try message.nextField() {
            switch field.number {
            case 1: try field.appendIntegers(to: &shape)
            case 2: type = try field.integer()
            case 3: throw InteropError.unsupportedONNX("a tensor split into segments")
            case 4: try field.appendFloats(to: &floats)
            case 5, 7: try field.appendIntegers(to: &integers)
            case 8: name = try field.string()
            case 9: raw = try field.message().remainingBytes
            case 10: try field.appendDoubles(to: &floats)
            case 13: throw InteropError.unsupportedONNX("tensor \(name.isEmpty ? "(unnamed)" : name) keeps its data in a separate file (external data); save the model with its weights inside")
            case 14 where try field.integer() != 0:
                throw InteropError.unsupportedONNX("tensor \(name.isEmpty ? "(unnamed)" : name) keeps its data in a separate file (external data); save the model with its weights inside")
            default: continue
            }
        }
        guard shape.allSatisfy({ $0 >= 0 }), let count = SizeLimit.elementCount(shape) else {
            throw InteropError.malformedONNX("tensor \(name) has dimensions \(shape)")
        }
        let values: Values
        switch type {
        case 1, 11:
            let size = type == 1 ? 4 : 8
            if let raw {
                try Self.check(raw, holds: count, of: size, name, shape)
                floats = type == 1 ? littleEndianFloats(raw) : littleEndianDoubles(raw)
            }
            values = .float(floats)
        case 6, 7:
            let size = type == 6 ? 4 : 8
            if let raw {
                try Self.check(raw, holds: count, of: size, name, shape)
                integers = raw.withUnsafeBytes { bytes in
                    (0..<count).map {
                        size == 4 ? Int(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)))
                            : Int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)))
                    }
                }
            }
            values = .int64(integers)
        default:
            throw InteropError.unsupportedONNX("tensor \(name) holds \(Self.typeName(type)); Neurite reads float, double, int32 and int64 tensors")
        }
        let found: Int
        switch values {
        case let .float(scalars): found = scalars.count
        case let .int64(scalars): found = scalars.count
        }
        guard found == count else { throw InteropError.malformedONNX("tensor \(name) of shape \(shape) holds \(found) values, not \(count)") }
        self.init(name: name, shape: shape, values: values)
    }

    private static func check(_ raw: ArraySlice<UInt8>, holds count: Int, of size: Int, _ name: String, _ shape: [Int]) throws {
        let (expected, overflow) = count.multipliedReportingOverflow(by: size)
        guard !overflow, raw.count == expected else {
            throw InteropError.malformedONNX("tensor \(name) of shape \(shape) needs \(count) values of \(size) bytes, found \(raw.count) bytes")
        }
    }

    /// TensorProto.DataType's name for `type`, for messages.
    static func typeName(_ type: Int) -> String {
        let names = [1: "float", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 8: "string", 9: "bool",
                     10: "float16", 11: "double", 12: "uint32", 13: "uint64", 16: "bfloat16"]
        return names[type].map { "\($0) values" } ?? "values of data type \(type)"
    }
}
