/// The parts of an ONNX graph (onnx.proto, IR version 8), each encoding itself with the field
/// numbers of its message.
struct ONNXNode {
    /// An attribute of a node; ONNX requires its type to be stated next to the value.
    enum Attribute {
        case int(String, Int)
        case ints(String, [Int])
        case float(String, Float)
        case string(String, String)
        /// A constant's value (the `Constant` operator).
        case tensor(String, ONNXTensor)
        /// An attribute of a type Neurite never reads (graphs, lists of floats or strings): kept
        /// by name, so that an operator that needs it can say so.
        case unread(String)

        var name: String {
            switch self {
            case let .int(name, _), let .ints(name, _), let .float(name, _), let .string(name, _), let .tensor(name, _), let .unread(name):
                return name
            }
        }

        /// AttributeProto: name = 1, f = 2, i = 3, s = 4, t = 5, ints = 8, type = 20 (FLOAT 1,
        /// INT 2, STRING 3, TENSOR 4, INTS 7).
        func encode(into writer: inout ProtobufWriter) {
            switch self {
            case let .int(name, value):
                writer.string(1, name)
                writer.int(3, value)
                writer.int(20, 2)
            case let .ints(name, values):
                writer.string(1, name)
                // onnx.proto is proto2 without [packed = true] here: one key per element.
                for value in values { writer.int(8, value) }
                writer.int(20, 7)
            case let .float(name, value):
                writer.string(1, name)
                writer.float(2, value)
                writer.int(20, 1)
            case let .string(name, value):
                writer.string(1, name)
                writer.string(4, value)
                writer.int(20, 3)
            case let .tensor(name, value):
                writer.string(1, name)
                writer.message(5) { value.encode(into: &$0) }
                writer.int(20, 4)
            case let .unread(name):
                writer.string(1, name)
            }
        }
    }

    let operation: String
    let inputs: [String]
    var outputs: [String]
    let name: String
    var attributes: [Attribute] = []
    /// The operator set the operation belongs to; empty for ONNX's own (`ai.onnx`).
    var domain = ""

    /// NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5.
    func encode(into writer: inout ProtobufWriter) {
        for input in inputs { writer.string(1, input) }
        for output in outputs { writer.string(2, output) }
        writer.string(3, name)
        writer.string(4, operation)
        for attribute in attributes { writer.message(5) { attribute.encode(into: &$0) } }
        if !domain.isEmpty { writer.string(7, domain) }
    }
}

/// A constant of the graph: weights, or the target shape of a Reshape.
struct ONNXTensor {
    enum Values {
        case float([Float])
        case int64([Int])
    }

    let name: String
    let shape: [Int]
    let values: Values

    /// TensorProto: dims = 1, data_type = 2 (FLOAT 1, INT64 7), name = 8, raw_data = 9 (the
    /// values little-endian, the most compact form).
    func encode(into writer: inout ProtobufWriter) {
        for dimension in shape { writer.int(1, dimension) }
        var raw: [UInt8] = []
        switch values {
        case let .float(scalars):
            writer.int(2, 1)
            raw.reserveCapacity(4 * scalars.count)
            for value in scalars { withUnsafeBytes(of: value.bitPattern.littleEndian) { raw.append(contentsOf: $0) } }
        case let .int64(integers):
            writer.int(2, 7)
            for value in integers { withUnsafeBytes(of: Int64(value).littleEndian) { raw.append(contentsOf: $0) } }
        }
        writer.string(8, name)
        writer.bytes(9, raw)
    }
}

/// A whole model: the graph's nodes, constants, and its float input and output.
struct ONNXModel {
    var nodes: [ONNXNode] = []
    var initializers: [ONNXTensor] = []
    /// Shapes of one sample; the batch dimension is added as the symbolic `batch`.
    let inputShape: [Int]
    var outputShape: [Int] = []
    static let input = "input", output = "output"
    var inputName = ONNXModel.input, outputName = ONNXModel.output
    /// The version of the default operator set the graph is written in.
    var opset = 17
    /// The input's batch dimension where a file fixes it (an export traced with one batch size
    /// and no dynamic dimension); `nil` when it is symbolic, as Neurite writes it.
    var batchSize: Int?

    /// ModelProto: ir_version = 1, producer_name = 2, graph = 7, opset_import = 8
    /// (OperatorSetIdProto: domain = 1, version = 2). GraphProto: node = 1, name = 2,
    /// initializer = 5, input = 11, output = 12.
    func encoded() -> [UInt8] {
        var writer = ProtobufWriter()
        writer.int(1, 8)  // IR version 8 is the one that goes with opset 17 (ONNX 1.12)
        writer.string(2, "neurite")
        writer.message(7) { graph in
            for node in nodes { graph.message(1) { node.encode(into: &$0) } }
            graph.string(2, "neurite")
            for tensor in initializers { graph.message(5) { tensor.encode(into: &$0) } }
            graph.message(11) { Self.encodeValue(inputName, batch: batchSize, shape: inputShape, into: &$0) }
            graph.message(12) { Self.encodeValue(outputName, batch: batchSize, shape: outputShape, into: &$0) }
        }
        writer.message(8) { $0.int(2, opset) }  // the default domain (empty string)
        return writer.bytes
    }

    /// ValueInfoProto (name = 1, type = 2) of a float tensor `[batch] + shape` (`batch` symbolic
    /// when `nil`): TypeProto tensor_type = 1 → elem_type = 1 (FLOAT), shape = 2 → dim = 1 →
    /// dim_value = 1 | dim_param = 2.
    private static func encodeValue(_ name: String, batch: Int?, shape: [Int], into writer: inout ProtobufWriter) {
        writer.string(1, name)
        writer.message(2) { type in
            type.message(1) { tensor in
                tensor.int(1, 1)
                tensor.message(2) { dimensions in
                    dimensions.message(1) { if let batch { $0.int(1, batch) } else { $0.string(2, "batch") } }
                    for size in shape { dimensions.message(1) { $0.int(1, size) } }
                }
            }
        }
    }
}
