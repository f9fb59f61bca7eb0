/// Stochastic gradient descent, with optional momentum and L2 weight decay.
///
/// With momentum μ the step follows a running sum of past gradients, v ← μ·v + g, w ← w − η·v
/// (PyTorch's formulation), which damps the zig-zag across narrow valleys and speeds progress
/// along them. Weight decay λ adds λ·w to the gradient, pulling weights toward zero.
public struct SGD: Optimizer {
    /// The step size η; schedules change it between epochs.
    public var learningRate: Float
    /// The momentum μ in [0, 1); 0 is plain SGD.
    public var momentum: Float
    /// The L2 penalty λ added to every gradient as λ·w.
    public var weightDecay: Float
    private var velocities: [ObjectIdentifier: Tensor] = [:]

    /// An SGD optimizer; `momentum` must be in [0, 1) and `weightDecay` non-negative.
    public init(learningRate: Float, momentum: Float = 0, weightDecay: Float = 0) {
        precondition(learningRate > 0 && momentum >= 0 && momentum < 1 && weightDecay >= 0, "invalid SGD settings")
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
    }

    public mutating func step(_ parameter: ParameterReference, gradient: Tensor) {
        precondition(parameter.value.shape == gradient.shape, "gradient shape \(gradient.shape) ≠ parameter shape \(parameter.value.shape)")
        let rate = learningRate, decay = weightDecay, mu = momentum
        let g = gradient.storage.base
        let key = ObjectIdentifier(parameter)
        if mu == 0 {
            parameter.value.withUnsafeMutableBuffer { w in
                let w = w.baseAddress!
                // Split across the cores: the update is bound by memory bandwidth, not arithmetic.
                Kernels.parallelSplit(gradient.count, work: gradient.count) { range in
                    for index in range { w[index] -= rate * (g[index] + decay * w[index]) }
                }
            }
            return
        }
        var velocity = velocities.removeValue(forKey: key) ?? Tensor.zeros(gradient.shape)
        velocity.withUnsafeMutableBuffer { v in
            parameter.value.withUnsafeMutableBuffer { w in
                let v = v.baseAddress!, w = w.baseAddress!
                Kernels.parallelSplit(gradient.count, work: gradient.count) { range in
                    for index in range {
                        v[index] = mu * v[index] + g[index] + decay * w[index]
                        w[index] -= rate * v[index]
                    }
                }
            }
        }
        velocities[key] = velocity
    }
}
