/// Adam with decoupled weight decay — PyTorch's `torch.optim.AdamW`, with its defaults.
///
/// ``Adam``'s L2 decay enters the gradient, so the moment estimates rescale it: weights with
/// large gradients are barely decayed. AdamW shrinks the weights directly before the Adam step,
/// w ← (1 − η·λ)·w, so every weight decays at the same rate (Loshchilov & Hutter, 2019); this
/// is why its default decay is 0.01 rather than 0.
public struct AdamW: Optimizer {
    private var adam: Adam

    /// An AdamW optimizer with PyTorch's defaults.
    public init(learningRate: Float = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01) {
        adam = Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, decoupled: true)
    }

    /// The step size η.
    public var learningRate: Float {
        get { adam.learningRate }
        set { adam.learningRate = newValue }
    }

    /// The decoupled decay λ: each step multiplies the weights by 1 − η·λ.
    public var weightDecay: Float {
        get { adam.weightDecay }
        set { adam.weightDecay = newValue }
    }

    /// The decay β₁ of the running mean of gradients.
    public var beta1: Double { adam.beta1 }
    /// The decay β₂ of the running mean of squared gradients.
    public var beta2: Double { adam.beta2 }
    /// ε, added to the denominator.
    public var epsilon: Float { adam.epsilon }

    public mutating func step(_ parameter: ParameterReference, gradient: Tensor) {
        adam.step(parameter, gradient: gradient)
    }

    public func stateTensors(for parameters: [(name: String, parameter: ParameterReference)]) -> [String: Tensor] {
        adam.stateTensors(for: parameters)
    }

    public mutating func loadStateTensors(_ state: [String: Tensor], for parameters: [(name: String, parameter: ParameterReference)]) throws {
        try adam.loadStateTensors(state, for: parameters)
    }

    public var buffersPerParameter: Int { adam.buffersPerParameter }
}
