/// Whether operations record the autograd graph. Recording is on by default; ``withoutGradient(_:)``
/// turns it off for inference, where building the graph would only cost time and memory.
enum GradientRecording {
    @TaskLocal static var isEnabled = true
}

/// Runs `body` without recording the autograd graph (PyTorch's `no_grad`, inference mode).
public func withoutGradient<R>(_ body: () throws -> R) rethrows -> R {
    try GradientRecording.$isEnabled.withValue(false, operation: body)
}

extension Tensor {
    /// The result of an operation on `inputs`: tracked, with `backward` recorded, only when
    /// recording is on and some input is tracked.
    ///
    /// `backward` receives ∂loss/∂result and which inputs need a gradient, and returns one
    /// gradient per input, in order (`nil` for those not needed, and for a weight whose
    /// ``GradientNode/stepConsumingGradient`` the operation applied). Skipping unneeded gradients
    /// matters: the first layer's gradient with respect to the data is a whole matrix product
    /// that nobody reads.
    func recorded(from inputs: [Tensor], backward: @escaping (_ gradient: Tensor, _ needed: [Bool]) -> [Tensor?]) -> Tensor {
        // Tracked inputs are checked first: reading the task-local costs more than this loop.
        guard inputs.contains(where: { $0.node != nil }), GradientRecording.isEnabled else { return self }
        let needed = inputs.map { $0.node != nil }
        var result = self
        result.node = GradientNode(inputs: inputs.compactMap(\.node)) { gradient in
            // One entry per tracked input; nil only where a fused step took the gradient.
            var tracked: [Tensor?] = []
            tracked.reserveCapacity(needed.count)
            for (inputGradient, isNeeded) in zip(backward(gradient, needed), needed) where isNeeded {
                tracked.append(inputGradient)
            }
            return tracked
        }
        return result
    }
}
