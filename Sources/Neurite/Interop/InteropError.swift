/// Why a model cannot be moved to or from another framework's format.
public enum InteropError: Error, Equatable, CustomStringConvertible {
    /// The model holds a layer the target format has no counterpart for here (e.g. a custom layer).
    case unsupportedLayer(String)
    /// A tensor the Neurite layer needs is not in the file; `expected` is its shape in the file's layout.
    case missingTensor(String, expected: [Int], forLayer: String)
    /// Tensors in the file that no Neurite layer takes.
    case extraTensors([String])
    /// A tensor of the file has another shape than the Neurite layer needs (both in the file's layout).
    case shapeMismatch(String, found: [Int], expected: [Int], forLayer: String)
    /// A tensor of the file holds NaN or infinity, which no saved Neurite model may.
    case nonFinite(String)
    /// The bytes are not an ONNX model: cut short, a field of the wrong kind, sizes that do not
    /// add up.
    case malformedONNX(String)
    /// The ONNX model is readable but is not a chain of layers Neurite has: the reason names
    /// the node and what it does.
    case unsupportedONNX(String)

    public var description: String {
        switch self {
        case let .unsupportedLayer(layer):
            return "\(layer) cannot be exported: only dense, conv, batchnorm, pooling, flatten, reshape, dropout and activation layers can"
        case let .missingTensor(name, expected, layer):
            return "the state_dict has no \(name) (shape \(expected)) for \(layer)"
        case let .extraTensors(names):
            return "the state_dict has tensors the architecture has no layer for: \(names.joined(separator: ", "))"
        case let .shapeMismatch(name, found, expected, layer):
            return "\(name) has shape \(found), but \(layer) needs \(expected)"
        case let .nonFinite(name):
            return "the weights \(name) hold NaN or infinity"
        case let .malformedONNX(reason):
            return "expected an ONNX model, found \(reason)"
        case let .unsupportedONNX(reason):
            return "cannot be imported: \(reason)"
        }
    }
}
