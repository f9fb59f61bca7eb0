/// The entry points of reverse-mode differentiation.
///
/// Inside the closure, operations on the model's parameters (or on the given tensors) are
/// recorded; the gradient of the scalar result with respect to each of them is then computed in
/// one backward sweep. The recorded graph is released before these functions return.
///
/// The closure runs inside ``withTensorErrors(_:)``: a shape mistake in its arithmetic is thrown
/// from these functions as a ``TensorError`` rather than stopping the program.

/// The loss and its gradient with respect to every trainable parameter of `model`.
///
/// ```swift
/// let (loss, gradients) = try valueWithGradient(of: model) { model in
///     try crossEntropy(logits: model(batch.inputs), labels: batch.labels)
/// }
/// ```
/// - Throws: what `body` throws, the first shape error of its arithmetic,
///   ``TensorError/invalidShape(_:reason:)`` if it returns more than one element, or
///   ``TensorError/noTrainableParameters(_:)`` when `model` has none: a gradient step would then
///   silently train nothing (layers kept in a property of a type that is not a layer, an array,
///   a dictionary or an optional are not found, for example).
public func valueWithGradient<Model: Layer>(
    of model: Model, _ body: (Model) throws -> Tensor
) throws -> (value: Tensor, gradients: Gradients) {
    try valueWithGradient(of: model, parameters: model.namedParameters.filter { $0.parameter.isTrainable }, body)
}

/// ``valueWithGradient(of:_:)`` with the model's trainable parameters already listed (a training
/// loop lists them once per pass, instead of walking the model by reflection at every step), and
/// calling `whenComplete(i, g)` during the backward sweep as soon as the gradient g of the i-th
/// listed parameter is final. Parameters the loss does not use get no call.
///
/// `fusedSteps[i]`, where given, is the optimizer's step for the i-th parameter, armed: an
/// operation that computes that parameter's whole gradient in one product may apply the step
/// instead (``Kernels/FusedSGDStep``), and the parameter then has no entry in the gradients.
/// None is applied when the value is not finite, so that the loop can stop before a step that
/// would write NaN into the weights.
func valueWithGradient<Model: Layer>(
    of model: Model, parameters: [(name: String, parameter: ParameterReference)],
    _ body: (Model) throws -> Tensor, whenComplete: ((Int, Tensor) -> Void)? = nil,
    fusedSteps: [Kernels.FusedSGDStep?]? = nil
) throws -> (value: Tensor, gradients: Gradients) {
    guard !parameters.isEmpty else { throw TensorError.noTrainableParameters("\(Model.self)") }
    let leafCompleted = whenComplete.map { report in { (leaf: GradientNode) in report(leaf.leafIdentifier!, leaf.gradient!) } }
    let (value, leafGradients) = try differentiate(
        at: parameters.map(\.parameter.value), leafCompleted: leafCompleted, fusedSteps: fusedSteps
    ) { tracked in
        for (entry, tensor) in zip(parameters, tracked) { entry.parameter.value = tensor }
        defer { for entry in parameters { entry.parameter.value = entry.parameter.value.detached } }
        return try body(model)
    }
    let entries = zip(parameters, leafGradients).compactMap { entry, gradient in
        gradient.map { Gradients.Entry(name: entry.name, parameter: entry.parameter, gradient: $0) }
    }
    return (value, Gradients(entries))
}

/// The value of `body` at `points` and its gradient with respect to each of them.
public func valueWithGradient(
    at points: [Tensor], of body: ([Tensor]) throws -> Tensor
) throws -> (value: Tensor, gradients: [Tensor]) {
    let (value, gradients) = try differentiate(at: points, body)
    return (value, gradients.map { $0! })  // nil only for a fused step, and there are none here
}

/// The gradient of `body` at `point`.
public func gradient(at point: Tensor, of body: (Tensor) throws -> Tensor) throws -> Tensor {
    try differentiate(at: [point]) { try body($0[0]) }.gradients[0]!
}

/// The value and each point's gradient: nil where the point's fused step consumed it.
private func differentiate(
    at points: [Tensor], leafCompleted: ((GradientNode) -> Void)? = nil, fusedSteps: [Kernels.FusedSGDStep?]? = nil,
    _ body: ([Tensor]) throws -> Tensor
) throws -> (value: Tensor, gradients: [Tensor?]) {
    let leaves = points.indices.map { GradientNode(leafIdentifier: $0) }
    let tracked = zip(points, leaves).map { point, leaf in Tensor(shape: point.shape, storage: point.storage, node: leaf) }
    let value = try withTensorErrors { try GradientRecording.$isEnabled.withValue(true) { try body(tracked) } }
    guard value.count == 1 else {
        throw TensorError.invalidShape(value.shape, reason: "differentiation needs a scalar result")
    }
    if let fusedSteps, value.scalar.isFinite {
        for (leaf, step) in zip(leaves, fusedSteps) { leaf.fusedStep = step }
    }
    if let root = value.node {
        backpropagate(from: root, seed: Tensor.ones(value.shape), leafCompleted: leafCompleted)
    }
    let gradients = zip(points, leaves).map { point, leaf in
        leaf.fusedStep?.isApplied == true ? nil : leaf.gradient ?? Tensor.zeros(point.shape)
    }
    return (value.detached, gradients)
}
