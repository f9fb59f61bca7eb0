/// Turns gradients into parameter updates.
///
/// An optimizer implements one step for one parameter; updating a whole model is the same step
/// applied to every parameter that has a gradient. Per-parameter state (momentum, moment
/// estimates, step counts) is kept by the optimizer, keyed by the parameter's identity, and
/// leaves it for a checkpoint by the parameter's path.
///
/// The optimizers follow PyTorch's `torch.optim` update rules and defaults: ``SGD``, ``Adam``,
/// ``AdamW``, ``RMSProp`` and ``Adagrad``. Each update is one fused pass over the elements, split
/// across the kernel pool, writing the parameter and the state buffers in place.
public protocol Optimizer {
    /// The step size η; a ``LearningRateSchedule`` sets it before each step.
    var learningRate: Float { get set }

    /// Moves `parameter.value` one step against `gradient`, in place.
    mutating func step(_ parameter: ParameterReference, gradient: Tensor)

    /// The optimizer's state for a checkpoint: each parameter's buffers under its path plus a
    /// suffix named as in PyTorch's `state_dict` (`"layers.0.weight.exp_avg"`,
    /// `"layers.0.weight.momentum_buffer"`), and its step count as `"layers.0.weight.step"` where
    /// the update uses one. Parameters not yet updated have no entries.
    ///
    /// A step count is stored exactly as a two-element tensor `[high, low]` with
    /// count = high·2²⁴ + low: each half is an integer below 2²⁴, which `Float` holds exactly (a
    /// single `Float` would round counts above 2²⁴ ≈ 16.7 million steps).
    func stateTensors(for parameters: [(name: String, parameter: ParameterReference)]) -> [String: Tensor]

    /// Replaces the optimizer's state by `state`, as ``stateTensors(for:)`` returned it for the
    /// same parameters; continuing from it is bit-identical to never having stopped.
    /// - Throws: ``TensorError/invalidArgument(_:)`` naming the entry when a tensor has the wrong
    ///   shape, a step count is not a valid count, a parameter has only part of its entries, or
    ///   `state` holds keys this optimizer does not keep (another optimizer's state); the optimizer
    ///   is left unchanged then.
    mutating func loadStateTensors(_ state: [String: Tensor], for parameters: [(name: String, parameter: ParameterReference)]) throws

    /// How many buffers the size of a parameter the optimizer keeps for each (momentum, moment
    /// estimates): training checks that the parameters, their gradients and these fit in memory
    /// before the first step. 2 (Adam's) for an optimizer that does not say.
    var buffersPerParameter: Int { get }
}

extension Optimizer {
    public var buffersPerParameter: Int { 2 }
}

extension Optimizer {
    /// One update of every parameter of `model` that `gradients` covers.
    public mutating func update<Model: Layer>(_ model: inout Model, along gradients: Gradients) {
        for entry in gradients.entries where entry.parameter.isTrainable {
            step(entry.parameter, gradient: entry.gradient)
        }
    }
}
