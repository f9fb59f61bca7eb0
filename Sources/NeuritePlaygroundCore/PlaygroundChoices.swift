import Foundation
import Neurite

/// The data sets of the playground.
public enum PlaygroundDatasetKind: String, Codable, CaseIterable, Sendable {
    case circle, xor, gaussians, spiral
    /// 1-D regression: a function of x with noise.
    case function
    /// A subset of the MNIST digits.
    case mnist

    /// Whether the samples are points of the plane with a 0/1 label.
    public var isPlanar: Bool { [.circle, .xor, .gaussians, .spiral].contains(self) }
}

/// The functions a 1-D data set samples.
public enum PlaygroundFunction: String, Codable, CaseIterable, Sendable {
    case sin, abs, square, step

    /// f(x).
    public func callAsFunction(_ x: Float) -> Float {
        switch self {
        case .sin: return Foundation.sin(x)
        case .abs: return Swift.abs(x)
        case .square: return x * x
        case .step: return x > 0 ? 1 : 0
        }
    }
}

/// The hidden layers' activation.
public enum PlaygroundActivation: String, Codable, CaseIterable, Sendable {
    case relu, tanh, sigmoid, linear

    /// Neurite's activation of the same name.
    public var activation: Activation {
        switch self {
        case .relu: return .relu
        case .tanh: return .tanh
        case .sigmoid: return .sigmoid
        case .linear: return .linear
        }
    }
}

/// How the weights start.
public enum PlaygroundInitializer: String, Codable, CaseIterable, Sendable {
    case zeros
    case smallRandom = "small-random"
    case he, xavier

    /// Neurite's initializer of the same name.
    public var initializer: Initializer {
        switch self {
        case .zeros: return .zeros
        case .smallRandom: return .smallRandom
        case .he: return .he
        case .xavier: return .xavier
        }
    }
}

/// The optimizers the page offers.
public enum PlaygroundOptimizer: String, Codable, CaseIterable, Sendable {
    case sgd
    /// SGD with momentum 0.9.
    case momentum
    case adam, rmsprop

    /// A fresh optimizer of this kind with step size `learningRate`.
    public func make(learningRate: Float) -> any Optimizer {
        switch self {
        case .sgd: return SGD(learningRate: learningRate)
        case .momentum: return SGD(learningRate: learningRate, momentum: 0.9)
        case .adam: return Adam(learningRate: learningRate)
        case .rmsprop: return RMSProp(learningRate: learningRate)
        }
    }
}

/// Gradient clipping as the page sets it: off, by value or by norm.
public struct PlaygroundClipping: Codable, Equatable, Sendable {
    /// The three modes.
    public enum Mode: String, Codable, Sendable { case off, value, norm }

    /// Which clipping.
    public var mode: Mode
    /// The bound N (absent when off).
    public var limit: Double?

    /// Clipping of `mode` with bound `limit`.
    public init(mode: Mode, limit: Double? = nil) {
        self.mode = mode
        self.limit = limit
    }

    /// Neurite's clipping rule, or nil when off.
    public var rule: GradientClipping? {
        switch mode {
        case .off: return nil
        case .value: return .value(Float(limit ?? 1))
        case .norm: return .norm(Float(limit ?? 1))
        }
    }
}
