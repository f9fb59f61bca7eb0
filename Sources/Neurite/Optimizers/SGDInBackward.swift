import CNeuriteKernels

/// SGD's update run inside the backward pass, by the product that computes each weight's
/// gradient (``Kernels/FusedSGDStep``): the training loop's fast path where nothing reads the
/// gradients between the backward pass and the update (no clipping, no gradient norms or
/// diagnostics, a single process). The result is bit for bit that of ``SGD/step(_:gradient:)``.
extension Optimizer {
    /// One unarmed step per parameter, for a matrix (a dense layer's weights), nil for the rest;
    /// nil for every optimizer but ``SGD``, whose update is the only one fused.
    func makeFusedSteps(for parameters: [(name: String, parameter: ParameterReference)]) -> [Kernels.FusedSGDStep?]? {
        guard Self.self == SGD.self else { return nil }
        return parameters.map { $0.parameter.value.shape.count == 2 ? Kernels.FusedSGDStep() : nil }
    }

    /// Arms `steps` (from ``makeFusedSteps(for:)``) for the next backward pass at the current
    /// learning rate.
    mutating func arm(_ steps: [Kernels.FusedSGDStep?], for parameters: [(name: String, parameter: ParameterReference)]) {
        precondition(Self.self == SGD.self, "only SGD's steps are fused")
        // Self is SGD: the same memory, seen as its own type, so the state is mutated in place
        // (a copy cast back would share the velocity buffers and copy them all at the next step).
        withUnsafeMutablePointer(to: &self) { optimizer in
            optimizer.withMemoryRebound(to: SGD.self, capacity: 1) { $0.pointee.arm(steps, for: parameters) }
        }
    }
}

extension SGD {
    fileprivate mutating func arm(_ steps: [Kernels.FusedSGDStep?], for parameters: [(name: String, parameter: ParameterReference)]) {
        let constants = constants
        for (step, entry) in zip(steps, parameters) {
            guard let step else { continue }
            let velocity = momentum == 0 ? nil : state.bufferForUpdateInPlace(0, of: entry.parameter)
            entry.parameter.value.makeUnique()
            step.arm(weight: entry.parameter.value.storage.base, velocity: velocity, constants: constants)
        }
    }
}
