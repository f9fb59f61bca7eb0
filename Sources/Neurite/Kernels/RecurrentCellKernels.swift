import CNeuriteKernels

/// The three recurrent cells, with PyTorch's gate order (the rows of `weight_ih` and
/// `weight_hh` are the gates' blocks, one after the other).
///
/// The kernels below are the element-wise part of one step, forward and backward. The matrix
/// products are done outside (the input projection of all steps as one GEMM, the recurrent
/// product once per step); what is left is one pass over each row of the step's gate
/// pre-activations, where every gate of a unit is computed together while in cache.
public enum RecurrentCell: String, Sendable, CaseIterable {
    /// h = tanh(W_ih x + b_ih + W_hh h⁻ + b_hh).
    case simple = "rnn"
    /// Gates i, f, g, o: c = f ⊙ c⁻ + i ⊙ g, h = o ⊙ tanh(c).
    case lstm
    /// Gates r, z, n: n = tanh(W_in x + b_in + r ⊙ (W_hn h⁻ + b_hn)), h = (1 − z) ⊙ n + z ⊙ h⁻.
    case gru

    /// Gate blocks per unit: rows of `weight_ih` and `weight_hh` are `gateCount · hidden`.
    var gateCount: Int {
        switch self {
        case .simple: return 1
        case .lstm: return 4
        case .gru: return 3
        }
    }

    /// Whether the state has a cell vector c besides h.
    var hasCellState: Bool { self == .lstm }
}

/// Pointers to one row (one sequence of the batch) at one time step.
///
/// Forward reads `inputGates` (W_ih x + b_ih) and `recurrentGates` (W_hh h⁻ + b_hh), and writes
/// the new state and what backward needs: `saved` holds the gate activations (LSTM, GRU) and
/// `candidate` the GRU's W_hn h⁻ + b_hn or the LSTM's tanh(c).
struct RecurrentRow {
    var inputGates: UnsafeMutablePointer<Float>
    var recurrentGates: UnsafeMutablePointer<Float>
    var previousHidden: UnsafeMutablePointer<Float>
    var hidden: UnsafeMutablePointer<Float>
    var previousCell: UnsafeMutablePointer<Float>?
    var cell: UnsafeMutablePointer<Float>?
    var saved: UnsafeMutablePointer<Float>?
    var candidate: UnsafeMutablePointer<Float>?
}

extension Kernels {
    /// One step of `cell` for one row of `size` units: one pass over the units in C
    /// (`nk_*_step_forward`), every gate of a unit computed together with the GEMM epilogue's
    /// vectorized sigmoid and tanh.
    static func recurrentStepForward(_ cell: RecurrentCell, _ row: RecurrentRow, size h: Int) {
        let x = row.inputGates, r = row.recurrentGates
        switch cell {
        case .simple:
            nk_rnn_step_forward(h, x, r, row.hidden)
        case .lstm:
            nk_lstm_step_forward(h, x, r, row.previousCell!, row.cell!, row.hidden, row.saved!, row.candidate!)
        case .gru:
            nk_gru_step_forward(h, x, r, row.previousHidden, row.hidden, row.saved!, row.candidate!)
        }
    }

    /// The backward of one step for one row, given ∂loss/∂h as `hiddenCarry` (from later steps)
    /// plus `outputGradient` (this step's output) and, for the LSTM, ∂loss/∂c from later steps
    /// (`cellGradient`, updated in place to ∂loss/∂c⁻). The loops are C (`nk_*_step_backward`),
    /// where they vectorize.
    ///
    /// Writes the gradients of the gate pre-activations: `recurrentGateGradient` for W_hh h⁻ + b_hh
    /// and, for the GRU, `inputGateGradient` for W_ih x + b_ih (for the other cells the two are
    /// equal, and the caller passes one buffer), and the GRU's part of ∂loss/∂h⁻ that bypasses
    /// W_hh, z ⊙ ∂h (`previousHiddenGradient`; the other cells leave it alone).
    static func recurrentStepBackward(
        _ cell: RecurrentCell, _ row: RecurrentRow, size h: Int,
        hiddenCarry carry: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        cellGradient dc: UnsafeMutablePointer<Float>?,
        inputGateGradient dInput: UnsafeMutablePointer<Float>, recurrentGateGradient dRecurrent: UnsafeMutablePointer<Float>,
        previousHiddenGradient dPrevious: UnsafeMutablePointer<Float>
    ) {
        switch cell {
        case .simple:
            nk_rnn_step_backward(h, row.hidden, carry, outputGradient, dRecurrent)
        case .lstm:
            nk_lstm_step_backward(h, row.saved!, row.candidate!, row.previousCell!, carry, outputGradient, dc!, dRecurrent)
        case .gru:
            nk_gru_step_backward(
                h, row.saved!, row.candidate!, row.previousHidden, carry, outputGradient, dInput, dRecurrent, dPrevious)
        }
    }
}

extension Kernels {
    /// The sums of the columns of a matrix `[rows, columns]`, `[columns]`: a bias's gradient.
    /// Row by row, so the inner loop runs along memory and vectorizes (in C: the general
    /// ``sum(_:toShape:)`` walks any broadcast and is several times slower here).
    static func columnSums(_ matrix: Tensor) -> Tensor {
        let result = Tensor.zeros([matrix.shape[matrix.rank - 1]])
        addGateSums(matrix, tokens: nil, table: nil, sums: result)
        return result
    }
}

extension Kernels {
    /// Adds the rows of `matrix` `[rows, width]` to `sums` `[width]` (a bias's gradient) and, with
    /// `tokens`, each row r to row `tokens[r]` of `table` `[*, width]` (the one-hot input weights'
    /// gradient), in one pass over `matrix`. Its columns are split across threads; each column
    /// still adds the rows in order, so the result does not depend on the number of threads.
    static func addGateSums(_ matrix: Tensor, tokens: [Int32]?, table: Tensor?, sums: Tensor?) {
        let width = matrix.shape[matrix.rank - 1], rows = matrix.count / max(width, 1), chunk = 16
        func run(_ tokens: UnsafePointer<Int32>?) {
            parallelSplit((width + chunk - 1) / chunk, work: rows * width) { chunks in
                nk_add_gate_sums(
                    rows, width, chunks.lowerBound * chunk, min(width, chunks.upperBound * chunk), matrix.storage.base,
                    tokens, table?.storage.base, sums?.storage.base)
            }
        }
        if let tokens { tokens.withUnsafeBufferPointer { run($0.baseAddress) } } else { run(nil) }
    }
}
