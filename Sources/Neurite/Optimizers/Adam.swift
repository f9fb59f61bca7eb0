import CNeuriteKernels
import Foundation

/// Adam: steps scaled per element by running estimates of the gradient's first and second
/// moments — PyTorch's `torch.optim.Adam`, with its defaults.
///
/// With d = g + λ·w (λ is L2 weight decay, added to the gradient as PyTorch's Adam does; for
/// decay that the moments do not rescale, use ``AdamW``), at step t:
///
///     m ← β₁·m + (1 − β₁)·d                  (mean of the gradients)
///     v ← β₂·v + (1 − β₂)·d²                 (mean of their squares)
///     w ← w − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// The bias corrections 1 − βᵗ undo the pull toward the zeros the averages start from. Each
/// element's step is about η whatever the gradient's scale, which is why one learning rate
/// (1e-3) suits most problems.
public struct Adam: Optimizer {
    /// The step size η.
    public var learningRate: Float
    /// The decay β₁ of the running mean of gradients. The decays are `Double` because the update
    /// uses 1 − β: `Float(0.999)` is 0.99900001, whose complement is 1.3·10⁻⁵ off in relative
    /// terms; PyTorch forms 1 − β from the double, and so does this.
    public let beta1: Double
    /// The decay β₂ of the running mean of squared gradients.
    public let beta2: Double
    /// ε, added to the denominator so that a zero second moment does not divide by zero.
    public let epsilon: Float
    /// The weight decay λ: added to the gradient as λ·w (L2) here, decoupled in ``AdamW``.
    public var weightDecay: Float
    /// Whether the decay shrinks the weights directly (AdamW) instead of entering the gradient.
    let decouplesWeightDecay: Bool
    private var state = OptimizerState(buffers: [("exp_avg", 0), ("exp_avg_sq", 0)], keepsStepCount: true)

    /// An Adam optimizer with PyTorch's defaults; the betas must be in [0, 1), ε and the decay
    /// non-negative.
    public init(learningRate: Float = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.init(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, decoupled: false)
    }

    init(learningRate: Float, beta1: Double, beta2: Double, epsilon: Float, weightDecay: Float, decoupled: Bool) {
        precondition(learningRate > 0 && (0..<1).contains(beta1) && (0..<1).contains(beta2), "invalid Adam settings")
        precondition(epsilon >= 0 && weightDecay >= 0, "invalid Adam settings")
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decouplesWeightDecay = decoupled
    }

    public mutating func step(_ parameter: ParameterReference, gradient: Tensor) {
        // Each factor rounded to Float once, from Double, as PyTorch passes them to its kernels.
        // One kernel for both kinds of decay: the unused one is an exact no-op (×1, +0·w).
        var constants = nk_adam_step(
            beta1: Float(beta1), keep1: Float(1 - beta1), beta2: Float(beta2), keep2: Float(1 - beta2),
            l2: decouplesWeightDecay ? 0 : weightDecay,
            shrink: decouplesWeightDecay ? Float(1 - Double(learningRate) * Double(weightDecay)) : 1,
            step_size: 0, inverse_correction2: 0, epsilon: epsilon)
        let rate = Double(learningRate), beta1 = beta1, beta2 = beta2
        state.updateCheckingFinite(parameter, gradient: gradient) { elements in
            // The bias corrections in Double, as PyTorch computes them in Python floats.
            let step = Double(elements.step)
            constants.step_size = Float(rate / (1 - pow(beta1, step)))
            constants.inverse_correction2 = Float(1 / (1 - pow(beta2, step)).squareRoot())
            let w = elements.weight, g = elements.gradient, m = elements.buffers[0], v = elements.buffers[1]
            let constants = constants
            return Kernels.parallelAll(elements.count, work: elements.count) { range in
                withUnsafePointer(to: constants) { constants in
                    let start = range.lowerBound
                    return nk_adam_update(w + start, g + start, m + start, v + start, range.count, constants) != 0
                }
            }
        }
    }

    public func stateTensors(for parameters: [(name: String, parameter: ParameterReference)]) -> [String: Tensor] {
        state.tensors(for: parameters)
    }

    public mutating func loadStateTensors(_ state: [String: Tensor], for parameters: [(name: String, parameter: ParameterReference)]) throws {
        try self.state.load(state, for: parameters, optimizer: decouplesWeightDecay ? "AdamW" : "Adam")
    }

    public var buffersPerParameter: Int { state.buffers.count }
}
