/// RMSProp: each element's step divided by the root of a running mean of its squared gradients —
/// PyTorch's `torch.optim.RMSprop`, with its defaults.
///
/// With d = g + λ·w (L2 weight decay λ):
///
///     s ← α·s + (1 − α)·d²                    (mean square)
///     a ← α·a + (1 − α)·d,  r = √(s − a²) + ε  (centered: the variance, not the mean square)
///                           r = √s + ε         (otherwise)
///     b ← μ·b + d/r,  w ← w − η·b              (with momentum μ > 0)
///     w ← w − η·d/r                            (otherwise)
///
/// Unlike Adam there is no bias correction, so the first steps are large (s starts at 0).
public struct RMSProp: Optimizer {
    /// The step size η.
    public var learningRate: Float
    /// The decay α of the running means; `Double` for the reason ``Adam/beta1`` gives.
    public let alpha: Double
    /// ε, added to the root so that a zero mean square does not divide by zero.
    public let epsilon: Float
    /// The L2 penalty λ added to every gradient as λ·w.
    public var weightDecay: Float
    /// The momentum μ applied to the scaled steps; 0 for none.
    public let momentum: Float
    /// Whether the denominator is the gradient's running variance rather than its mean square.
    public let centered: Bool
    private var state: OptimizerState

    /// An RMSProp optimizer with PyTorch's defaults; α and `momentum` must be in [0, 1), ε and
    /// the decay non-negative.
    public init(
        learningRate: Float = 1e-2, alpha: Double = 0.99, epsilon: Float = 1e-8, weightDecay: Float = 0,
        momentum: Float = 0, centered: Bool = false
    ) {
        precondition(learningRate > 0 && (0..<1).contains(alpha) && (0..<1).contains(momentum), "invalid RMSProp settings")
        precondition(epsilon >= 0 && weightDecay >= 0, "invalid RMSProp settings")
        self.learningRate = learningRate
        self.alpha = alpha
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
        // The buffers PyTorch keeps for these settings, in a fixed order: [s, b?, a?].
        state = OptimizerState(
            buffers: [("square_avg", 0)] + (momentum > 0 ? [("momentum_buffer", 0)] : []) + (centered ? [("grad_avg", 0)] : []),
            keepsStepCount: false)
    }

    public mutating func step(_ parameter: ParameterReference, gradient: Tensor) {
        let rate = learningRate, alpha = Float(self.alpha), keep = Float(1 - self.alpha), epsilon = epsilon, decay = weightDecay, mu = momentum, centered = centered
        state.update(parameter, gradient: gradient) { elements in
            let w = elements.weight, g = elements.gradient, s = elements.buffers[0]
            // Unused buffers point at the mean square; the loop never touches them then.
            let b = mu > 0 ? elements.buffers[1] : s
            let a = centered ? elements.buffers[elements.buffers.count - 1] : s
            Kernels.parallelSplit(elements.count, work: elements.count) { range in
                for index in range {
                    let d = g[index] + decay * w[index]
                    s[index] = alpha * s[index] + keep * d * d
                    var root: Float
                    if centered {
                        a[index] = alpha * a[index] + keep * d
                        root = (s[index] - a[index] * a[index]).squareRoot() + epsilon
                    } else {
                        root = s[index].squareRoot() + epsilon
                    }
                    if mu > 0 {
                        b[index] = mu * b[index] + d / root
                        w[index] -= rate * b[index]
                    } else {
                        w[index] -= rate * (d / root)
                    }
                }
            }
        }
    }

    public func stateTensors(for parameters: [(name: String, parameter: ParameterReference)]) -> [String: Tensor] {
        state.tensors(for: parameters)
    }

    public mutating func loadStateTensors(_ state: [String: Tensor], for parameters: [(name: String, parameter: ParameterReference)]) throws {
        try self.state.load(state, for: parameters, optimizer: "RMSProp")
    }

    public var buffersPerParameter: Int { state.buffers.count }
}
