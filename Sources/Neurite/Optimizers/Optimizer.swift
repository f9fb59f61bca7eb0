/// Turns gradients into parameter updates.
///
/// An optimizer implements one step for one parameter; updating a whole model is the same step
/// applied to every parameter that has a gradient. Per-parameter state (momentum, moment
/// estimates) is kept by the optimizer, keyed by the parameter's identity.
public protocol Optimizer {
    var learningRate: Float { get set }

    /// Moves `parameter.value` one step against `gradient`, in place.
    mutating func step(_ parameter: ParameterReference, gradient: Tensor)
}

extension Optimizer {
    /// One update of every parameter of `model` that `gradients` covers.
    public mutating func update<Model: Layer>(_ model: inout Model, along gradients: Gradients) {
        for entry in gradients.entries where entry.parameter.isTrainable {
            step(entry.parameter, gradient: entry.gradient)
        }
    }
}
