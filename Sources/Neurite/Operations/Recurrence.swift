/// A recurrent cell run over a batch of sequences as one fused operation, with backpropagation
/// through time as its backward.
///
/// Forward: the input projection of every step, X·W_ihᵀ + b_ih, is one GEMM over all B·T rows
/// (for one-hot X, a character model's, a lookup in W_ihᵀ + b_ih instead); then, per step, only
/// the recurrent product h⁻·W_hhᵀ + b_hh is a GEMM, against W_hh packed once for all steps, and
/// one pass per row applies the gates (``Kernels/recurrentStepForward(_:_:size:)``). A sequence shorter than T
/// (its entry of `lengths`) keeps its state unchanged after its end and outputs zeros there, as
/// PyTorch's packed sequences do.
///
/// Backward walks the steps in reverse, one GEMM per step for ∂h⁻ = ∂gates·W_hh (W_hh packed once
/// again, untransposed), and collects the gate gradients of all steps so that ∂W_ih, ∂X, ∂W_hh and
/// the biases are each one GEMM (or one sum) over all B·T rows at the end.
///
/// The result is packed `[B, T·H + S·H]`: each row holds the outputs h₁…h_T, then the final h
/// and (LSTM) the final c, so that one node of the autograd graph serves both what the caller
/// reads; ``RecurrentOutput`` slices it.
func recurrence(
    _ cell: RecurrentCell, input: Tensor, weightIH: Tensor, weightHH: Tensor, biasIH: Tensor, biasHH: Tensor,
    initialHidden: Tensor, initialCell: Tensor?, lengths: [Int]
) -> Tensor {
    let batch = input.shape[0], steps = input.shape[1], inputSize = input.shape[2]
    let h = weightHH.shape[1], gates = cell.gateCount * h
    let stateCount = cell.hasCellState ? 2 : 1, rowLength = steps * h + stateCount * h

    // Gate projections of every step's input at once: row b·T + t, or with one-hot inputs row v of
    // the lookup table W_ihᵀ + b_ih for token v (exact: the GEMM would add 1·w to zeros).
    let tokens = Kernels.oneHotColumns(input.storage.base, rows: batch * steps, columns: inputSize)
    let inputGates: Tensor
    if tokens != nil {
        inputGates = weightIH.detached.transposed()
        for token in 0..<inputSize {
            let row = inputGates.storage.base + token * gates
            for j in 0..<gates { row[j] += biasIH.storage.base[j] }
        }
    } else {
        inputGates = Tensor(uninitializedShape: [batch * steps, gates])
        Kernels.matrixMultiply(
            input.storage.base, transposed: false, weightIH.storage.base, transposed: true,
            into: inputGates.storage.base, rows: batch * steps, columns: gates, inner: inputSize, bias: biasIH.storage.base)
    }
    func inputGateRow(_ b: Int, _ t: Int) -> UnsafeMutablePointer<Float> {
        inputGates.storage.base + (tokens.map { Int($0[b * steps + t]) } ?? b * steps + t) * gates
    }
    // States are kept time-major, [T + 1, B, H] with h₀ first, so that each step's h⁻ is a
    // contiguous [B, H] matrix for the recurrent GEMM.
    let hiddens = Tensor(uninitializedShape: [steps + 1, batch, h])
    hiddens.storage.base.update(from: initialHidden.storage.base, count: batch * h)
    let cells = cell.hasCellState ? Tensor(uninitializedShape: [steps + 1, batch, h]) : nil
    if let cells { cells.storage.base.update(from: initialCell!.storage.base, count: batch * h) }
    let saved = cell == .simple ? nil : Tensor(uninitializedShape: [steps, batch, gates])
    let candidates = cell == .simple ? nil : Tensor(uninitializedShape: [steps, batch, h])
    let recurrentGates = Tensor(uninitializedShape: [batch, gates])
    let packed = Tensor.zeros([batch, rowLength])

    func row(_ b: Int, _ t: Int) -> RecurrentRow {
        let state = (t * batch + b) * h
        return RecurrentRow(
            inputGates: inputGateRow(b, t),
            recurrentGates: recurrentGates.storage.base + b * gates,
            previousHidden: hiddens.storage.base + state, hidden: hiddens.storage.base + state + batch * h,
            previousCell: cells.map { $0.storage.base + state }, cell: cells.map { $0.storage.base + state + batch * h },
            saved: saved.map { $0.storage.base + (t * batch + b) * gates }, candidate: candidates.map { $0.storage.base + (t * batch + b) * h })
    }

    let recurrentWeights = Kernels.PackedMatrix(weightHH.storage.base, transposed: true, inner: h, columns: gates)
    for t in 0..<steps {
        recurrentWeights.multiply(
            hiddens.storage.base + t * batch * h, into: recurrentGates.storage.base, rows: batch, bias: biasHH.storage.base)
        for b in 0..<batch {
            let current = row(b, t)
            if t < lengths[b] {
                Kernels.recurrentStepForward(cell, current, size: h)
                (packed.storage.base + b * rowLength + t * h).update(from: current.hidden, count: h)
            } else {  // past the end: the state carries over unchanged, the output stays zero
                current.hidden.update(from: current.previousHidden, count: h)
                current.cell?.update(from: current.previousCell!, count: h)
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
        // Rows b·T + t like inputGates, and t·B + b like the states; every row is written below
        // (padded steps with zeros), so neither needs clearing first.
        let inputGateGradients = Tensor(uninitializedShape: [batch * steps, gates])
        let recurrentGateGradients = Tensor(uninitializedShape: [steps * batch, gates])
        // ∂loss/∂h and ∂loss/∂c arriving at step t from later steps, starting with the final state's.
        var hiddenCarry = Tensor(uninitializedShape: [batch, h]), nextCarry = Tensor(uninitializedShape: [batch, h])
        let cellCarry = cell.hasCellState ? Tensor(uninitializedShape: [batch, h]) : nil
        let hiddenGradient = Tensor(uninitializedShape: [h])
        let recurrentWeightsBackward = Kernels.PackedMatrix(weightHH.storage.base, transposed: false, inner: gates, columns: h)
        for b in 0..<batch {
            (hiddenCarry.storage.base + b * h).update(from: g + b * rowLength + steps * h, count: h)
            if let cellCarry { (cellCarry.storage.base + b * h).update(from: g + b * rowLength + steps * h + h, count: h) }
        }
        for t in (0..<steps).reversed() {
            for b in 0..<batch {
                let carry = hiddenCarry.storage.base + b * h, next = nextCarry.storage.base + b * h
                guard t < lengths[b] else {  // padding: the gradient passes through untouched
                    next.update(from: carry, count: h)
                    (inputGateGradients.storage.base + (b * steps + t) * gates).update(repeating: 0, count: gates)
                    (recurrentGateGradients.storage.base + (t * batch + b) * gates).update(repeating: 0, count: gates)
                    continue
                }
                let dh = hiddenGradient.storage.base, output = g + b * rowLength + t * h
                for j in 0..<h { dh[j] = carry[j] + output[j] }
                Kernels.recurrentStepBackward(
                    cell, row(b, t), size: h, hiddenGradient: dh, cellGradient: cellCarry.map { $0.storage.base + b * h },
                    inputGateGradient: inputGateGradients.storage.base + (b * steps + t) * gates,
                    recurrentGateGradient: recurrentGateGradients.storage.base + (t * batch + b) * gates,
                    previousHiddenGradient: next)
            }
            // ∂h⁻ += ∂(W_hh h⁻)·W_hh; padded rows have zero gate gradients and add nothing.
            recurrentWeightsBackward.multiply(
                recurrentGateGradients.storage.base + t * batch * gates, into: nextCarry.storage.base, rows: batch, accumulate: true)
            swap(&hiddenCarry, &nextCarry)
        }

        var result: [Tensor?] = Array(repeating: nil, count: inputs.count)
        if needed[0] {
            let inputGradient = Tensor(uninitializedShape: input.shape)
            Kernels.matrixMultiply(
                inputGateGradients.storage.base, transposed: false, weightIH.storage.base, transposed: false,
                into: inputGradient.storage.base, rows: batch * steps, columns: inputSize, inner: gates)
            result[0] = inputGradient
        }
        if needed[1], let tokens {  // each token's column collects the gate gradients of its steps
            let gradientByToken = Tensor.zeros([inputSize, gates])
            Kernels.addRows(inputGateGradients.storage.base, at: tokens, width: gates, into: gradientByToken.storage.base)
            result[1] = gradientByToken.transposed()
        } else if needed[1] {
            let weightGradient = Tensor(uninitializedShape: weightIH.shape)
            Kernels.matrixMultiply(
                inputGateGradients.storage.base, transposed: true, input.storage.base, transposed: false,
                into: weightGradient.storage.base, rows: gates, columns: inputSize, inner: batch * steps)
            result[1] = weightGradient
        }
        if needed[2] {
            // Σ_t ∂gates_tᵀ·h_{t−1}: the states h₀…h_{T−1} are the first T·B rows of `hiddens`.
            let weightGradient = Tensor(uninitializedShape: weightHH.shape)
            Kernels.matrixMultiply(
                recurrentGateGradients.storage.base, transposed: true, hiddens.storage.base, transposed: false,
                into: weightGradient.storage.base, rows: gates, columns: h, inner: steps * batch)
            result[2] = weightGradient
        }
        if needed[3] { result[3] = Kernels.columnSums(inputGateGradients) }
        if needed[4] { result[4] = Kernels.columnSums(recurrentGateGradients) }
        if needed[5] { result[5] = Tensor(shape: initialHidden.shape, storage: hiddenCarry.storage) }
        if let cellCarry, needed.count > 6, needed[6] { result[6] = Tensor(shape: initialCell!.shape, storage: cellCarry.storage) }
        return result
    }
}
