/// What went wrong with a tensor operation on the caller's data.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    /// Two operands whose shapes cannot be combined by `operation`.
    case shapeMismatch(operation: String, lhs: [Int], rhs: [Int])
    /// A shape that is not valid for its purpose.
    case invalidShape(_ shape: [Int], reason: String)
    /// An axis outside `-rank..<rank`.
    case invalidAxis(_ axis: Int, rank: Int)
    /// An argument outside its allowed range.
    case invalidArgument(String)
    /// A layer received an input of the wrong shape.
    case layerInput(layer: String, expected: String, got: [Int])
    /// A NaN or infinity where finite numbers are required (a loss, a batch of data).
    case nonFinite(String)
    /// A gradient was asked for a model (named by its type) in which no trainable parameter was found.
    case noTrainableParameters(String)

    public var description: String {
        switch self {
        case let .shapeMismatch(operation, lhs, rhs):
            return "\(operation): shapes \(lhs) and \(rhs) are incompatible"
        case let .invalidShape(shape, reason):
            return "invalid shape \(shape): \(reason)"
        case let .invalidAxis(axis, rank):
            return "axis \(axis) is out of range for a tensor of rank \(rank)"
        case let .invalidArgument(message):
            return message
        case let .layerInput(layer, expected, got):
            return "\(layer) expects input of shape \(expected), got \(got)"
        case let .nonFinite(message):
            return message
        case let .noTrainableParameters(model):
            return "\(model) has no trainable parameters: layers are found in stored properties that are layers, "
                + "@Parameter tensors, and arrays, dictionaries or optionals of them"
        }
    }
}
