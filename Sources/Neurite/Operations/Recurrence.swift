/// A recurrent cell run over a batch of sequences as one fused operation, with backpropagation
/// through time as its backward.
///
/// Forward: the input side of every step's gates is computed at once
/// (``RecurrentInputProjection``: one GEMM over all B·T rows, or a lookup for one-hot inputs),
/// with b_hh folded into its bias; then, per step, only the recurrent product h⁻·W_hhᵀ is a
/// GEMM, against W_hh packed once for all steps (``Kernels/PackedMatrix``), and one pass per row
/// applies the gates (``Kernels/recurrentStepForward(_:_:size:)``). A sequence shorter than T
/// (its entry of `lengths`) keeps its state unchanged after its end and outputs zeros there, as
/// PyTorch's packed sequences do.
///
/// Backward walks the steps in reverse, one GEMM per step for ∂h⁻ = ∂gates·W_hh (W_hh packed once
/// again, untransposed), and collects the gate gradients of all steps so that ∂W_ih, ∂X, ∂W_hh and
/// the biases are each one GEMM (or one sum) over all B·T rows at the end. For the SimpleRNN and
/// the LSTM the input-side and recurrent-side gate gradients are equal and share one buffer.
///
/// Threads: the sequences of a batch never meet inside the step loops, so the batch is split
/// into one group of sequences per thread (``Kernels/parallelSplit(_:work:_:)``), and each
/// thread runs all T steps of its group, forward and backward, with its own slice of the
/// per-step products (inside a split the pool is taken, so each runs on its own thread). Splitting each step's product by columns instead handed work to the other
/// thread and waited for it 2·T times per training step, each hand-off some microseconds
/// against a product of ~20 µs (32×128·128×512); the threads' spinning in between was ~10% of a
/// character LSTM's time. The arithmetic of each row is the same either way.
///
/// The result is packed `[B, T·H + S·H]`: each row holds the outputs h₁…h_T, then the final h
/// and (LSTM) the final c, so that one node of the autograd graph serves both what the caller
/// reads; ``RecurrentOutput`` slices it.
func recurrence(
    _ cell: RecurrentCell, input: Tensor, weightIH: Tensor, weightHH: Tensor, biasIH: Tensor, biasHH: Tensor,
    initialHidden: Tensor, initialCell: Tensor?, lengths: [Int]
) -> Tensor {
    let batch = input.shape[0], steps = input.shape[1]
    let h = weightHH.shape[1], gates = cell.gateCount * h
    let stateCount = cell.hasCellState ? 2 : 1, rowLength = steps * h + stateCount * h

    // b_hh adds to the input side's pre-activations, except the GRU's b_hn, which the reset gate
    // scales: that part stays in the recurrent product's bias.
    let ownBias = cell == .gru ? 2 * h : gates
    let inputBias = Tensor(uninitializedShape: [gates]), recurrentBias = cell == .gru ? Tensor.zeros([gates]) : nil
    for j in 0..<gates { inputBias.storage.base[j] = biasIH.storage.base[j] + (j < ownBias ? biasHH.storage.base[j] : 0) }
    if let recurrentBias { (recurrentBias.storage.base + ownBias).update(from: biasHH.storage.base + ownBias, count: gates - ownBias) }
    let projection = RecurrentInputProjection(input, weight: weightIH, bias: inputBias)
    // States are kept time-major, [T + 1, B, H] with h₀ first, so that each step's h⁻ is a
    // contiguous [B, H] matrix for the recurrent GEMM.
    let hiddens = Tensor(uninitializedShape: [steps + 1, batch, h])
    hiddens.storage.base.update(from: initialHidden.storage.base, count: batch * h)
    let cells = cell.hasCellState ? Tensor(uninitializedShape: [steps + 1, batch, h]) : nil
    if let cells { cells.storage.base.update(from: initialCell!.storage.base, count: batch * h) }
    let saved = cell == .simple ? nil : Tensor(uninitializedShape: [steps, batch, gates])
    let candidates = cell == .simple ? nil : Tensor(uninitializedShape: [steps, batch, h])
    let recurrentGates = Tensor(uninitializedShape: [batch, gates])
    let packed = Tensor(uninitializedShape: [batch, rowLength])  // every element is written below

    func row(_ b: Int, _ t: Int) -> RecurrentRow {
        let state = (t * batch + b) * h
        return RecurrentRow(
            inputGates: projection.row(b, t),
            recurrentGates: recurrentGates.storage.base + b * gates,
            previousHidden: hiddens.storage.base + state, hidden: hiddens.storage.base + state + batch * h,
            previousCell: cells.map { $0.storage.base + state }, cell: cells.map { $0.storage.base + state + batch * h },
            saved: saved.map { $0.storage.base + (t * batch + b) * gates }, candidate: candidates.map { $0.storage.base + (t * batch + b) * h })
    }

    let recurrentWeights = Kernels.PackedMatrix(weightHH.storage.base, transposed: true, inner: h, columns: gates)
    Kernels.parallelSplit(batch, work: steps * batch * gates * h) { sequences in
        let first = sequences.lowerBound
        for t in 0..<steps {
            recurrentWeights.multiply(
                hiddens.storage.base + (t * batch + first) * h, into: recurrentGates.storage.base + first * gates,
                rows: sequences.count, bias: recurrentBias?.storage.base)
            for b in sequences {
                let current = row(b, t)
                if t < lengths[b] {
                    Kernels.recurrentStepForward(cell, current, size: h)
                    (packed.storage.base + b * rowLength + t * h).update(from: current.hidden, count: h)
                } else {  // past the end: the state carries over unchanged, the output is zero
                    (packed.storage.base + b * rowLength + t * h).update(repeating: 0, count: h)
                    current.hidden.update(from: current.previousHidden, count: h)
                    current.cell?.update(from: current.previousCell!, count: h)
                }
            }
        }
    }
    for b in 0..<batch {
        let finalState = (steps * batch + b) * h, destination = packed.storage.base + b * rowLength + steps * h
        destination.update(from: hiddens.storage.base + finalState, count: h)
        if let cells { (destination + h).update(from: cells.storage.base + finalState, count: h) }
    }

    let inputs = [input, weightIH, weightHH, biasIH, biasHH, initialHidden] + (initialCell.map { [$0] } ?? [])
    return packed.recorded(from: inputs) { gradient, needed in
        let g = gradient.storage.base
        // Rows t·B + b like the states; every row is written below (padded steps with zeros), so
        // they need no clearing first.
        let recurrentGateGradients = Tensor(uninitializedShape: [steps * batch, gates])
        let inputGateGradients = cell == .gru ? Tensor(uninitializedShape: [steps * batch, gates]) : recurrentGateGradients
        // ∂loss/∂h and ∂loss/∂c arriving at step t from later steps, starting with the final state's.
        var hiddenCarry = Tensor(uninitializedShape: [batch, h]), nextCarry = Tensor(uninitializedShape: [batch, h])
        let cellCarry = cell.hasCellState ? Tensor(uninitializedShape: [batch, h]) : nil
        for b in 0..<batch {
            (hiddenCarry.storage.base + b * h).update(from: g + b * rowLength + steps * h, count: h)
            if let cellCarry { (cellCarry.storage.base + b * h).update(from: g + b * rowLength + steps * h + h, count: h) }
        }
        // ∂h⁻ gets a part outside W_hh from the GRU (z ⊙ ∂h) and from padded steps (all of ∂h);
        // otherwise the recurrent GEMM writes it whole.
        let accumulates = cell == .gru || lengths.contains { $0 < steps }
        let recurrentWeightsBackward = Kernels.PackedMatrix(weightHH.storage.base, transposed: false, inner: gates, columns: h)
        Kernels.parallelSplit(batch, work: steps * batch * gates * h) { sequences in
            let first = sequences.lowerBound
            var carries = hiddenCarry.storage.base, nexts = nextCarry.storage.base
            for t in (0..<steps).reversed() {
                for b in sequences {
                    let carry = carries + b * h, next = nexts + b * h
                    let gateRow = (t * batch + b) * gates
                    guard t < lengths[b] else {  // padding: the gradient passes through untouched
                        next.update(from: carry, count: h)
                        (inputGateGradients.storage.base + gateRow).update(repeating: 0, count: gates)
                        (recurrentGateGradients.storage.base + gateRow).update(repeating: 0, count: gates)
                        continue
                    }
                    if accumulates && cell != .gru { next.update(repeating: 0, count: h) }
                    Kernels.recurrentStepBackward(
                        cell, row(b, t), size: h, hiddenCarry: carry, outputGradient: g + b * rowLength + t * h,
                        cellGradient: cellCarry.map { $0.storage.base + b * h },
                        inputGateGradient: inputGateGradients.storage.base + gateRow,
                        recurrentGateGradient: recurrentGateGradients.storage.base + gateRow, previousHiddenGradient: next)
                }
                // ∂h⁻ (+)= ∂(W_hh h⁻)·W_hh; padded rows have zero gate gradients and add nothing.
                recurrentWeightsBackward.multiply(
                    recurrentGateGradients.storage.base + (t * batch + first) * gates, into: nexts + first * h,
                    rows: sequences.count, accumulate: accumulates)
                swap(&carries, &nexts)
            }
        }
        // Each step swapped the two buffers: after an odd number of steps ∂h₀ is in `nextCarry`.
        if steps % 2 == 1 { swap(&hiddenCarry, &nextCarry) }

        var result: [Tensor?] = Array(repeating: nil, count: inputs.count)
        if needed[0] { result[0] = projection.inputGradient(inputGateGradients, weight: weightIH) }
        // ∂b_ih is the input side's gate gradients summed over rows, ∂b_hh the recurrent side's: the
        // same for all but the GRU.
        let inputSide = projection.gradients(inputGateGradients, weight: needed[1], bias: needed[3] || (needed[4] && cell != .gru))
        result[1] = inputSide.weight
        if needed[2] {
            // Σ_t ∂gates_tᵀ·h_{t−1}: the states h₀…h_{T−1} are the first T·B rows of `hiddens`. Through
            // the packed-operand GEMM, which splits ∂gatesᵀ's rows (the gates) across threads, so that
            // each reads only its columns of the megabytes of gate gradients.
            let weightGradient = Tensor(uninitializedShape: weightHH.shape)
            Kernels.PackedMatrix(hiddens.storage.base, transposed: false, inner: steps * batch, columns: h).multiply(
                recurrentGateGradients.storage.base, transposed: true, into: weightGradient.storage.base, rows: gates)
            result[2] = weightGradient
        }
        if needed[3] { result[3] = inputSide.bias }
        if needed[4] {
            result[4] = cell == .gru ? Kernels.columnSums(recurrentGateGradients)
                : needed[3] ? Tensor(inputSide.bias!.scalars) : inputSide.bias
        }
        if needed[5] { result[5] = Tensor(shape: initialHidden.shape, storage: hiddenCarry.storage) }
        if let cellCarry, needed.count > 6, needed[6] { result[6] = Tensor(shape: initialCell!.shape, storage: cellCarry.storage) }
        return result
    }
}
