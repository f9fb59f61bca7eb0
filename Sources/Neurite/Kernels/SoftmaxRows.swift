import CNeuriteKernels
import Foundation

extension Kernels {
    /// The softmax of each row of `input` `[rows, columns]` (contiguous), and each row's
    /// log-sum-exp, log Σⱼ e^(xⱼ), the normalizer of the row's log-probabilities: log pⱼ = xⱼ − lse.
    ///
    /// One vectorized pass per row in C (`nk_softmax_rows`: max, exp and sum, scale), then one
    /// log per row here; see softmax.c for why.
    static func softmaxRows(_ input: Tensor, rows: Int, columns: Int) -> (probabilities: Tensor, logSumExp: [Float]) {
        let probabilities = Tensor(uninitializedShape: input.shape)
        var largest = [Float](repeating: 0, count: rows), sums = [Float](repeating: 0, count: rows)
        nk_softmax_rows(rows, columns, input.storage.base, probabilities.storage.base, &largest, &sums)
        return (probabilities, Swift.zip(largest, sums).map { $0 + Foundation.log($1) })
    }
}
