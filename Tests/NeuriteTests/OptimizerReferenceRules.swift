import Foundation
import Testing
@testable import Neurite

/// One optimizer setting of `scripts/optimizer_reference.py`: Neurite's optimizer and PyTorch's
/// update rule for it, written out in Double from torch.optim's documented algorithms.
struct OptimizerCase: Sendable, CustomTestStringConvertible {
    let name: String
    let make: @Sendable () -> any Optimizer
    let rule: ReferenceRule

    var testDescription: String { name }

    static let all: [OptimizerCase] = [
        OptimizerCase(name: "sgd", make: { SGD(learningRate: 0.1) }, rule: .sgd(rate: 0.1)),
        OptimizerCase(name: "sgd-momentum", make: { SGD(learningRate: 0.1, momentum: 0.9) }, rule: .sgd(rate: 0.1, momentum: 0.9)),
        OptimizerCase(name: "sgd-nesterov", make: { SGD(learningRate: 0.1, momentum: 0.9, nesterov: true) },
                      rule: .sgd(rate: 0.1, momentum: 0.9, nesterov: true)),
        OptimizerCase(name: "sgd-weight-decay", make: { SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 0.05) },
                      rule: .sgd(rate: 0.1, momentum: 0.9, decay: 0.05)),
        OptimizerCase(name: "adam", make: { Adam(learningRate: 0.05) }, rule: .adam(rate: 0.05)),
        OptimizerCase(name: "adam-l2", make: { Adam(learningRate: 0.05, weightDecay: 0.1) }, rule: .adam(rate: 0.05, l2: 0.1)),
        OptimizerCase(name: "adamw", make: { AdamW(learningRate: 0.05, weightDecay: 0.1) }, rule: .adam(rate: 0.05, decoupled: 0.1)),
        OptimizerCase(name: "rmsprop", make: { RMSProp(learningRate: 0.01) }, rule: .rmsProp(rate: 0.01)),
        OptimizerCase(name: "rmsprop-momentum", make: { RMSProp(learningRate: 0.01, momentum: 0.9) },
                      rule: .rmsProp(rate: 0.01, momentum: 0.9)),
        OptimizerCase(name: "rmsprop-centered", make: { RMSProp(learningRate: 0.01, weightDecay: 0.05, momentum: 0.5, centered: true) },
                      rule: .rmsProp(rate: 0.01, momentum: 0.5, decay: 0.05, centered: true)),
        OptimizerCase(name: "adagrad", make: { Adagrad(learningRate: 0.1, learningRateDecay: 0.01, weightDecay: 0.05, initialAccumulator: 0.1) },
                      rule: .adagrad(rate: 0.1, rateDecay: 0.01, decay: 0.05, initial: 0.1)),
    ]
}

/// torch.optim's update rules in Double, one element at a time, with the state they keep.
struct ReferenceRule: Sendable {
    enum Kind: Sendable {
        case sgd(rate: Double, momentum: Double, decay: Double, nesterov: Bool)
        case adam(rate: Double, l2: Double, decoupled: Double)
        case rmsProp(rate: Double, momentum: Double, decay: Double, centered: Bool)
        case adagrad(rate: Double, rateDecay: Double, decay: Double, initial: Double)
    }

    let kind: Kind
    private var steps = 0
    private var first: [Double] = [], second: [Double] = [], third: [Double] = []

    static func sgd(rate: Double, momentum: Double = 0, decay: Double = 0, nesterov: Bool = false) -> ReferenceRule {
        ReferenceRule(kind: .sgd(rate: rate, momentum: momentum, decay: decay, nesterov: nesterov))
    }
    static func adam(rate: Double, l2: Double = 0, decoupled: Double = 0) -> ReferenceRule {
        ReferenceRule(kind: .adam(rate: rate, l2: l2, decoupled: decoupled))
    }
    static func rmsProp(rate: Double, momentum: Double = 0, decay: Double = 0, centered: Bool = false) -> ReferenceRule {
        ReferenceRule(kind: .rmsProp(rate: rate, momentum: momentum, decay: decay, centered: centered))
    }
    static func adagrad(rate: Double, rateDecay: Double, decay: Double, initial: Double) -> ReferenceRule {
        ReferenceRule(kind: .adagrad(rate: rate, rateDecay: rateDecay, decay: decay, initial: initial))
    }

    private init(kind: Kind) { self.kind = kind }

    mutating func step(_ w: inout [Double], gradient g: [Double]) {
        steps += 1
        let initial: Double = if case let .adagrad(_, _, _, value) = kind { value } else { 0 }
        if first.isEmpty {
            first = Array(repeating: initial, count: w.count)
            second = Array(repeating: 0, count: w.count)
            third = second
        }
        let t = Double(steps)
        for i in w.indices {
            switch kind {
            case let .sgd(rate, momentum, decay, nesterov):
                let d = g[i] + decay * w[i]
                // PyTorch: the buffer starts as the first step's d, then b ← μ·b + d.
                first[i] = steps == 1 ? d : momentum * first[i] + d
                let direction = momentum == 0 ? d : nesterov ? d + momentum * first[i] : first[i]
                w[i] -= rate * direction
            case let .adam(rate, l2, decoupled):
                w[i] *= 1 - rate * decoupled
                let d = g[i] + l2 * w[i]
                first[i] = 0.9 * first[i] + 0.1 * d
                second[i] = 0.999 * second[i] + 0.001 * d * d
                let mHat = first[i] / (1 - pow(0.9, t)), vHat = second[i] / (1 - pow(0.999, t))
                w[i] -= rate * mHat / (vHat.squareRoot() + 1e-8)
            case let .rmsProp(rate, momentum, decay, centered):
                let d = g[i] + decay * w[i]
                first[i] = 0.99 * first[i] + 0.01 * d * d
                if centered { third[i] = 0.99 * third[i] + 0.01 * d }
                let root = (first[i] - (centered ? third[i] * third[i] : 0)).squareRoot() + 1e-8
                if momentum > 0 {
                    second[i] = momentum * second[i] + d / root
                    w[i] -= rate * second[i]
                } else {
                    w[i] -= rate * d / root
                }
            case let .adagrad(rate, rateDecay, decay, _):
                let d = g[i] + decay * w[i]
                first[i] += d * d
                w[i] -= rate / (1 + (t - 1) * rateDecay) * d / (first[i].squareRoot() + 1e-10)
            }
        }
    }
}
