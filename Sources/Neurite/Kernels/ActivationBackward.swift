import CNeuriteKernels

extension Kernels {
    /// The gradient before a fused activation, ∂z = ∂y ⊙ g′ with g′ read from the forward's
    /// output y, and with `columnSums` the sums of ∂z's columns (a bias's gradient), row by row
    /// while each row is in cache (`gradient` and `output` are `[rows, width]`). Columns are
    /// split across threads; each column adds its rows in order, so the sums do not depend on
    /// the thread count.
    static func activationBackward(
        _ gradient: Tensor, output: Tensor, activation: FusedActivation, columnSums: Bool
    ) -> (preactivation: Tensor, columnSums: Tensor?) {
        precondition(gradient.shape == output.shape, "activation backward needs equal shapes, got \(gradient.shape) and \(output.shape)")
        let width = gradient.shape[gradient.rank - 1], rows = gradient.count / max(width, 1), chunk = 16
        let result = Tensor(uninitializedShape: gradient.shape)
        let sums = columnSums ? Tensor.zeros([width]) : nil
        parallelSplit((width + chunk - 1) / chunk, work: rows * width) { chunks in
            nk_activation_backward(
                rows, width, chunks.lowerBound * chunk, min(width, chunks.upperBound * chunk), activation.code,
                gradient.storage.base, output.storage.base, result.storage.base, sums?.storage.base)
        }
        return (result, sums)
    }
}
