import CNeuriteKernels

/// Stochastic gradient descent, with optional momentum (classical or Nesterov) and L2 weight decay:
/// PyTorch's `torch.optim.SGD` with dampening 0.
///
/// Weight decay λ adds λ·w to the gradient, d = g + λ·w, pulling weights toward zero. With
/// momentum μ the step follows a running sum of past gradients, v ← μ·v + d, w ← w − η·v, which
/// damps the zig-zag across narrow valleys and speeds progress along them. Nesterov momentum
/// steps with d + μ·v instead of v: it looks ahead to where the momentum is taking the weights.
///
/// In a training loop where nothing reads the gradients before the update (`fit` and `trainEpoch`
/// without clipping, gradient norms, diagnostics or data parallelism), the update of each dense
/// layer's weights runs inside the backward pass, tile by tile, as the product that computes their
/// gradient produces it; the weights and velocities come out bit for bit the same.
public struct SGD: Optimizer {
    /// The step size η.
    public var learningRate: Float
    /// The momentum μ in [0, 1); 0 is plain SGD.
    public var momentum: Float
    /// The L2 penalty λ added to every gradient as λ·w.
    public var weightDecay: Float
    /// Whether the step uses Nesterov momentum (needs `momentum > 0`).
    public let nesterov: Bool
    /// Internal, not private: the steps armed for the backward pass read it (SGDInBackward.swift).
    var state = OptimizerState(buffers: [("momentum_buffer", 0)], keepsStepCount: false)

    /// An SGD optimizer (PyTorch's defaults). `momentum` must be in [0, 1), and positive for
    /// Nesterov; `weightDecay` non-negative.
    public init(learningRate: Float = 1e-3, momentum: Float = 0, weightDecay: Float = 0, nesterov: Bool = false) {
        precondition(learningRate > 0 && momentum >= 0 && momentum < 1 && weightDecay >= 0, "invalid SGD settings")
        precondition(!nesterov || momentum > 0, "Nesterov momentum needs momentum > 0")
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
    }

    /// The kernel's constants for a step at the current learning rate.
    var constants: nk_sgd_step {
        nk_sgd_step(learning_rate: learningRate, momentum: momentum, weight_decay: weightDecay, nesterov: nesterov ? 1 : 0)
    }

    public mutating func step(_ parameter: ParameterReference, gradient: Tensor) {
        let constants = constants
        if momentum == 0 {
            // No velocity to keep: update the weights directly, with no state at all.
            precondition(parameter.value.shape == gradient.shape, "gradient shape \(gradient.shape) ≠ parameter shape \(parameter.value.shape)")
            let g = gradient.storage.base
            parameter.value.makeUnique()
            let w = parameter.value.storage.base
            parameter.isKnownFinite = Kernels.parallelAll(gradient.count, work: gradient.count) { range in
                withUnsafePointer(to: constants) { constants in
                    nk_sgd_update(w + range.lowerBound, g + range.lowerBound, nil, range.count, constants) != 0
                }
            }
            return
        }
        state.updateCheckingFinite(parameter, gradient: gradient) { elements in
            let w = elements.weight, g = elements.gradient, v = elements.buffers[0]
            // Split across the cores: the update is bound by memory bandwidth, not arithmetic.
            return Kernels.parallelAll(elements.count, work: elements.count) { range in
                withUnsafePointer(to: constants) { constants in
                    let start = range.lowerBound
                    return nk_sgd_update(w + start, g + start, v + start, range.count, constants) != 0
                }
            }
        }
    }

    public func stateTensors(for parameters: [(name: String, parameter: ParameterReference)]) -> [String: Tensor] {
        state.tensors(for: parameters)
    }

    public mutating func loadStateTensors(_ state: [String: Tensor], for parameters: [(name: String, parameter: ParameterReference)]) throws {
        try self.state.load(state, for: parameters, optimizer: "SGD")
    }

    public var buffersPerParameter: Int { momentum == 0 ? 0 : 1 }
}
