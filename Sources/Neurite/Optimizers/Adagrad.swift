/// Adagrad: each element's step divided by the root of the sum of all its squared gradients so
/// far — PyTorch's `torch.optim.Adagrad`, with its defaults.
///
/// With d = g + λ·w (L2 weight decay λ), at step t:
///
///     S ← S + d²
///     w ← w − η/(1 + (t − 1)·δ) · d / (√S + ε)     (δ: learning-rate decay)
///
/// Elements with rare, small gradients keep large steps; frequent ones slow down. Because S only
/// grows, the steps shrink for good, which suits convex problems and sparse features more than
/// long deep-network runs.
public struct Adagrad: Optimizer {
    /// The step size η.
    public var learningRate: Float
    /// The decay δ of the step size with the step count.
    public let learningRateDecay: Float
    /// The L2 penalty λ added to every gradient as λ·w.
    public var weightDecay: Float
    /// The value the sums S start at.
    public let initialAccumulator: Float
    /// ε, added to the root so that a zero sum does not divide by zero.
    public let epsilon: Float
    private var state: OptimizerState

    /// An Adagrad optimizer with PyTorch's defaults; the decays, the initial accumulator and ε
    /// must be non-negative.
    public init(
        learningRate: Float = 1e-2, learningRateDecay: Float = 0, weightDecay: Float = 0, initialAccumulator: Float = 0,
        epsilon: Float = 1e-10
    ) {
        precondition(learningRate > 0 && learningRateDecay >= 0 && weightDecay >= 0, "invalid Adagrad settings")
        precondition(initialAccumulator >= 0 && epsilon >= 0, "invalid Adagrad settings")
        self.learningRate = learningRate
        self.learningRateDecay = learningRateDecay
        self.weightDecay = weightDecay
        self.initialAccumulator = initialAccumulator
        self.epsilon = epsilon
        state = OptimizerState(buffers: [("sum", initialAccumulator)], keepsStepCount: true)
    }

    public mutating func step(_ parameter: ParameterReference, gradient: Tensor) {
        let rate = learningRate, rateDecay = learningRateDecay, decay = weightDecay, epsilon = epsilon
        state.update(parameter, gradient: gradient) { elements in
            let stepSize = Float(Double(rate) / (1 + Double(elements.step - 1) * Double(rateDecay)))
            let w = elements.weight, g = elements.gradient, sum = elements.buffers[0]
            Kernels.parallelSplit(elements.count, work: elements.count) { range in
                for index in range {
                    let d = g[index] + decay * w[index]
                    sum[index] += d * d
                    w[index] -= stepSize * (d / (sum[index].squareRoot() + epsilon))
                }
            }
        }
    }

    public func stateTensors(for parameters: [(name: String, parameter: ParameterReference)]) -> [String: Tensor] {
        state.tensors(for: parameters)
    }

    public mutating func loadStateTensors(_ state: [String: Tensor], for parameters: [(name: String, parameter: ParameterReference)]) throws {
        try self.state.load(state, for: parameters, optimizer: "Adagrad")
    }

    public var buffersPerParameter: Int { state.buffers.count }
}
