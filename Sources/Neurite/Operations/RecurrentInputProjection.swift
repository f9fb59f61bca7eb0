/// The input side of a recurrent layer's gate pre-activations, W_ih·x_t + bias for every step
/// at once, and its backward: the part of the layer that does not depend on the state.
///
/// Rows are time-major, row t·B + b for sequence b at step t, like the states, so that the
/// backward's gate gradients of one step are contiguous for the recurrent GEMM and the same
/// rows serve the weight gradients.
///
/// One-hot inputs (a character model's) select one column of W_ih per step: the projection
/// is then a lookup in a table W_ihᵀ + bias, `[inputSize, gates]`, instead of a GEMM over
/// mostly zeros (exact: the GEMM would add 1·w to zeros), and ∂W_ih adds each step's gate
/// gradients into its token's column instead of a GEMM.
struct RecurrentInputProjection {
    let batch: Int, steps: Int, inputSize: Int, gates: Int
    /// For one-hot inputs, the token of row t·B + b.
    let tokens: [Int32]?
    /// The lookup table `[inputSize, gates]` for tokens, else the projected rows `[T·B, gates]`.
    let rows: Tensor
    /// The input, time-major `[T, B, inputSize]`; only without tokens.
    private let timeMajorInput: Tensor?

    /// The projection of `input` `[batch, time, features]` by `weight` `[gates, features]`, plus `bias`.
    init(_ input: Tensor, weight: Tensor, bias: Tensor) {
        let batch = input.shape[0], steps = input.shape[1], inputSize = input.shape[2], gates = weight.shape[0]
        (self.batch, self.steps, self.inputSize, self.gates) = (batch, steps, inputSize, gates)
        if let batchMajor = Kernels.oneHotColumns(input.storage.base, rows: batch * steps, columns: inputSize) {
            tokens = (0..<steps * batch).map { batchMajor[($0 % batch) * steps + $0 / batch] }
            rows = weight.detached.transposed()
            for token in 0..<inputSize {
                let row = rows.storage.base + token * gates
                for j in 0..<gates { row[j] += bias.storage.base[j] }
            }
            timeMajorInput = nil
        } else {
            tokens = nil
            let timeMajor = input.detached.permuted([1, 0, 2])
            rows = Tensor(uninitializedShape: [steps * batch, gates])
            Kernels.matrixMultiply(
                timeMajor.storage.base, transposed: false, weight.storage.base, transposed: true,
                into: rows.storage.base, rows: steps * batch, columns: gates, inner: inputSize, bias: bias.storage.base)
            timeMajorInput = timeMajor
        }
    }

    /// The gate pre-activations of sequence `b` at step `t`, `gates` floats (read only).
    func row(_ b: Int, _ t: Int) -> UnsafeMutablePointer<Float> {
        let index = t * batch + b
        return rows.storage.base + (tokens.map { Int($0[index]) } ?? index) * gates
    }

    /// ∂loss/∂input `[batch, time, features]` from the gate gradients `[T·B, gates]`: ∂G·W_ih.
    func inputGradient(_ gateGradients: Tensor, weight: Tensor) -> Tensor {
        let timeMajor = Tensor(uninitializedShape: [steps, batch, inputSize])
        Kernels.matrixMultiply(
            gateGradients.storage.base, transposed: false, weight.storage.base, transposed: false,
            into: timeMajor.storage.base, rows: steps * batch, columns: inputSize, inner: gates)
        return timeMajor.permuted([1, 0, 2])
    }

    /// ∂loss/∂W_ih `[gates, features]` (when `weight`) and the gate gradients' column sums, the
    /// bias gradient (when `bias`), from the gate gradients `[T·B, gates]`. ∂W_ih is ∂Gᵀ·X: for
    /// one-hot inputs each token's column collects the gate gradients of its steps, in the same
    /// pass over them as the sums.
    func gradients(_ gateGradients: Tensor, weight: Bool, bias: Bool) -> (weight: Tensor?, bias: Tensor?) {
        if let tokens {
            let sums = bias ? Tensor.zeros([gates]) : nil
            let gradientByToken = weight ? Tensor.zeros([inputSize, gates]) : nil
            Kernels.addGateSums(gateGradients, tokens: weight ? tokens : nil, table: gradientByToken, sums: sums)
            return (gradientByToken?.transposed(), sums)
        }
        let sums = bias ? Kernels.columnSums(gateGradients) : nil
        guard weight else { return (nil, sums) }
        let gradient = Tensor(uninitializedShape: [gates, inputSize])
        Kernels.matrixMultiply(
            gateGradients.storage.base, transposed: true, timeMajorInput!.storage.base, transposed: false,
            into: gradient.storage.base, rows: gates, columns: inputSize, inner: steps * batch)
        return (gradient, sums)
    }
}
