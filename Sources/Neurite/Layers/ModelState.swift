/// A model's numbers as a plain value: every parameter (trainable or not) under its path.
///
/// Layers share their parameters by reference (see ``Parameter``), so `let best = model` does not
/// keep the weights as they are now. `model.state` does: it is a dictionary of tensors, and
/// tensors are values, so later training cannot change it. `model.load(state)` puts it back.
extension Layer {
    /// A copy of every parameter's current value, keyed by its path (`"layers.0.weight"`).
    public var state: [String: Tensor] {
        Dictionary(namedParameters.map { ($0.name, $0.parameter.value.detached) }, uniquingKeysWith: { first, _ in first })
    }

    /// Replaces every parameter's value by the tensor of the same path in `state`.
    /// - Throws: ``TensorError/invalidArgument(_:)`` naming the parameter when `state` lacks one or
    ///   holds it with another shape; the model is left unchanged then.
    public func load(_ state: [String: Tensor]) throws {
        let parameters = namedParameters
        for (name, parameter) in parameters {
            guard let tensor = state[name] else { throw TensorError.invalidArgument("state has no tensor named \(name)") }
            guard tensor.shape == parameter.value.shape else {
                throw TensorError.invalidArgument("state's \(name) has shape \(tensor.shape), the model needs \(parameter.value.shape)")
            }
        }
        for (name, parameter) in parameters { parameter.value = state[name]!.detached }
    }
}
