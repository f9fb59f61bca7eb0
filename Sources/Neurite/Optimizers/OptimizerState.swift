/// The per-parameter buffers and step counts of an optimizer, updated in place, and their round
/// trip through a checkpoint — the one mechanism every optimizer's `step` is a thin user of.
struct OptimizerState {
    /// One parameter's state: the buffers in the order of ``bufferNames``, and its step count.
    private struct Slot {
        var step: Int
        var buffers: [Tensor]
    }

    /// What an update kernel writes and reads, as raw pointers for the fused loop.
    struct Elements {
        /// The step count including this step (1 on the first update of the parameter).
        let step: Int
        let count: Int
        let weight: UnsafeMutablePointer<Float>
        let gradient: UnsafePointer<Float>
        /// The parameter's buffers, in the order of ``bufferNames``.
        let buffers: UnsafeBufferPointer<UnsafeMutablePointer<Float>>
    }

    /// Buffer names as in PyTorch's `state_dict` (`"exp_avg"`), each with the value it starts at.
    let buffers: [(name: String, initialValue: Float)]
    /// Whether the step count is part of the state (the update depends on it).
    let keepsStepCount: Bool
    private var slots: [ObjectIdentifier: Slot] = [:]

    init(buffers: [(name: String, initialValue: Float)], keepsStepCount: Bool) {
        self.buffers = buffers
        self.keepsStepCount = keepsStepCount
    }

    /// Counts a step of `parameter` and runs `kernel` on its elements, creating its buffers on the
    /// first step. No tensor is allocated in steady state: the buffers are taken out of the
    /// dictionary while the kernel runs, so they are uniquely referenced and written in place.
    mutating func update(_ parameter: ParameterReference, gradient: Tensor, _ kernel: (Elements) -> Void) {
        updateCheckingFinite(parameter, gradient: gradient) { elements in
            kernel(elements)
            return false  // not checked: the training loop reads the weights itself
        }
    }

    /// `update(_:gradient:_:)` for a kernel that returns whether every weight it wrote is finite;
    /// a true answer marks the parameter (`ParameterReference.isKnownFinite`), so that the
    /// training loop does not read every weight again to find a NaN.
    mutating func updateCheckingFinite(_ parameter: ParameterReference, gradient: Tensor, _ kernel: (Elements) -> Bool) {
        precondition(parameter.value.shape == gradient.shape, "gradient shape \(gradient.shape) ≠ parameter shape \(parameter.value.shape)")
        let key = ObjectIdentifier(parameter)
        var slot = slots.removeValue(forKey: key)
            ?? Slot(step: 0, buffers: buffers.map { Tensor.full(gradient.shape, $0.initialValue) })
        slot.step += 1
        for index in slot.buffers.indices { slot.buffers[index].makeUnique() }
        parameter.value.makeUnique()
        let finite = withUnsafeTemporaryAllocation(of: UnsafeMutablePointer<Float>.self, capacity: slot.buffers.count) { pointers in
            for index in slot.buffers.indices { pointers.initializeElement(at: index, to: slot.buffers[index].storage.base) }
            return kernel(Elements(
                step: slot.step, count: gradient.count, weight: parameter.value.storage.base,
                gradient: gradient.storage.base, buffers: UnsafeBufferPointer(pointers)))
        }
        parameter.isKnownFinite = finite
        slots[key] = slot
    }

    /// The `index`-th buffer of `parameter`, created on its first use, made unique (as for an
    /// update) and left in place: for an update that runs later, inside the backward pass
    /// (``Kernels/FusedSGDStep``). The buffer stays valid until the state next changes.
    mutating func bufferForUpdateInPlace(_ index: Int, of parameter: ParameterReference) -> UnsafeMutablePointer<Float> {
        let key = ObjectIdentifier(parameter)
        var slot = slots.removeValue(forKey: key)
            ?? Slot(step: 0, buffers: buffers.map { Tensor.full(parameter.value.shape, $0.initialValue) })
        slot.buffers[index].makeUnique()
        let base = slot.buffers[index].storage.base
        slots[key] = slot
        return base
    }

    /// See ``Optimizer/stateTensors(for:)``. The tensors share their buffers with the optimizer
    /// until its next step writes them (copy-on-write), so the snapshot never changes.
    func tensors(for parameters: [(name: String, parameter: ParameterReference)]) -> [String: Tensor] {
        var state: [String: Tensor] = [:]
        for (name, parameter) in parameters {
            guard let slot = slots[ObjectIdentifier(parameter)] else { continue }
            for (buffer, tensor) in zip(buffers, slot.buffers) { state["\(name).\(buffer.name)"] = tensor.detached }
            if keepsStepCount { state["\(name).step"] = Self.encode(stepCount: slot.step) }
        }
        return state
    }

    /// See ``Optimizer/loadStateTensors(_:for:)``; `optimizer` names it in error messages.
    mutating func load(_ state: [String: Tensor], for parameters: [(name: String, parameter: ParameterReference)], optimizer: String) throws {
        var loaded: [ObjectIdentifier: Slot] = [:], used = 0
        for (name, parameter) in parameters {
            let keys = buffers.map { "\(name).\($0.name)" } + (keepsStepCount ? ["\(name).step"] : [])
            let missing = keys.filter { state[$0] == nil }
            if missing.count == keys.count { continue }  // not updated yet when the state was taken
            guard missing.isEmpty else { throw TensorError.invalidArgument("\(optimizer) state lacks \(missing.joined(separator: ", "))") }
            var slot = Slot(step: 0, buffers: [])
            for key in keys.prefix(buffers.count) {
                let tensor = state[key]!
                guard tensor.shape == parameter.value.shape else {
                    throw TensorError.invalidArgument("\(optimizer) state's \(key) has shape \(tensor.shape), the parameter has \(parameter.value.shape)")
                }
                slot.buffers.append(tensor.detached)
            }
            if keepsStepCount { slot.step = try Self.decode(stepCount: state["\(name).step"]!, key: "\(name).step") }
            loaded[ObjectIdentifier(parameter)] = slot
            used += keys.count
        }
        guard used == state.count else {
            let known = Set(parameters.flatMap { entry in
                buffers.map { "\(entry.name).\($0.name)" } + (keepsStepCount ? ["\(entry.name).step"] : [])
            })
            let unknown = state.keys.filter { !known.contains($0) }.sorted()
            throw TensorError.invalidArgument("\(optimizer) keeps no state named \(unknown.prefix(3).joined(separator: ", "))\(unknown.count > 3 ? ", …" : "")")
        }
        slots = loaded
    }

    /// Counts up to 2⁴⁸ as `[high, low]`, two integers below 2²⁴, both exact in `Float`.
    static func encode(stepCount: Int) -> Tensor {
        precondition((0..<(1 << 48)).contains(stepCount), "step count \(stepCount) out of range")
        return Tensor([Float(stepCount >> 24), Float(stepCount & 0xFF_FFFF)])
    }

    static func decode(stepCount tensor: Tensor, key: String) throws -> Int {
        let halves = tensor.scalars
        guard tensor.shape == [2], halves.allSatisfy({ $0 >= 0 && $0 < 16_777_216 && $0 == $0.rounded() }) else {
            throw TensorError.invalidArgument("\(key) must be a step count [high, low] of two integers in [0, 2²⁴), got \(tensor)")
        }
        return Int(halves[0]) << 24 + Int(halves[1])
    }
}
