/// How a layer's weights are first set.
///
/// Initialization decides whether a network trains at all:
/// - ``zeros``: every unit of a layer computes the same function and receives the same gradient,
///   so they stay identical forever (the symmetry is never broken). Fine for biases only.
/// - ``smallRandom``: N(0, 1)·0.01 breaks the symmetry, but in a deep stack each layer shrinks the
///   signal further, and gradients vanish.
/// - ``heNormal`` / ``heUniform`` (Kaiming): variance 2/fanIn keeps the variance of ReLU
///   activations constant from layer to layer (ReLU zeroes half its inputs, hence the 2).
/// - ``xavierNormal`` / ``xavierUniform`` (Glorot): variance 2/(fanIn + fanOut), the compromise that
///   keeps both forward activations and backward gradients steady for tanh and sigmoid.
public enum Initializer: Sendable, Equatable {
    case zeros
    case constant(Float)
    case normal(mean: Float, standardDeviation: Float)
    case uniform(lowerBound: Float, upperBound: Float)
    case smallRandom
    case heNormal
    case heUniform
    case xavierNormal
    case xavierUniform

    /// He initialization (normal), the usual choice before ReLU.
    public static let he = Initializer.heNormal
    /// Xavier/Glorot initialization (uniform), the usual choice before tanh, sigmoid or nothing.
    public static let xavier = Initializer.xavierUniform

    /// The default for a layer followed by `activation`: He for ReLU, Xavier otherwise.
    public static func `default`(for activation: Activation) -> Initializer {
        activation == .relu ? .heNormal : .xavierUniform
    }

    /// A tensor of `shape`, drawn for a layer whose units each see `fanIn` inputs and feed
    /// `fanOut` outputs.
    public func make(_ shape: [Int], fanIn: Int, fanOut: Int, using generator: inout RandomGenerator) -> Tensor {
        let fanIn = Float(max(fanIn, 1)), fanOut = Float(max(fanOut, 1))
        switch self {
        case .zeros:
            return .zeros(shape)
        case let .constant(value):
            return .full(shape, value)
        case let .normal(mean, standardDeviation):
            return .randomNormal(shape, mean: mean, standardDeviation: standardDeviation, using: &generator)
        case let .uniform(lowerBound, upperBound):
            return .randomUniform(shape, from: lowerBound, to: upperBound, using: &generator)
        case .smallRandom:
            return .randomNormal(shape, standardDeviation: 0.01, using: &generator)
        case .heNormal:
            return .randomNormal(shape, standardDeviation: (2 / fanIn).squareRoot(), using: &generator)
        case .heUniform:
            // A uniform on [−l, l] has variance l²/3, so l = √(6/fanIn) gives variance 2/fanIn.
            let limit = (6 / fanIn).squareRoot()
            return .randomUniform(shape, from: -limit, to: limit, using: &generator)
        case .xavierNormal:
            return .randomNormal(shape, standardDeviation: (2 / (fanIn + fanOut)).squareRoot(), using: &generator)
        case .xavierUniform:
            let limit = (6 / (fanIn + fanOut)).squareRoot()
            return .randomUniform(shape, from: -limit, to: limit, using: &generator)
        }
    }
}

extension Initializer: CustomStringConvertible {
    public var description: String {
        switch self {
        case .zeros: return "zeros"
        case let .constant(value): return "constant(\(value))"
        case let .normal(mean, standardDeviation): return "normal(\(mean), \(standardDeviation))"
        case let .uniform(lowerBound, upperBound): return "uniform(\(lowerBound), \(upperBound))"
        case .smallRandom: return "small-random"
        case .heNormal: return "he"
        case .heUniform: return "he-uniform"
        case .xavierNormal: return "xavier-normal"
        case .xavierUniform: return "xavier"
        }
    }

    /// Parses the names `description` produces for the parameterless cases (CLI options).
    public init?(name: String) {
        let known: [String: Initializer] = [
            "zeros": .zeros, "small-random": .smallRandom, "he": .heNormal, "he-normal": .heNormal,
            "he-uniform": .heUniform, "xavier": .xavierUniform, "xavier-uniform": .xavierUniform,
            "xavier-normal": .xavierNormal, "glorot": .xavierUniform,
        ]
        guard let initializer = known[name.lowercased()] else { return nil }
        self = initializer
    }
}
