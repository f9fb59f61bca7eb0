/// Batch normalisation's statistics over the whole global batch of a data-parallel step
/// (synchronised batch norm), rather than over each rank's shard.
///
/// Why all ranks' statistics, not only averaged running statistics: with per-rank statistics
/// N ranks normalise each shard of B/N samples by its own mean and variance, a different
/// function from the one a single process trains with batch B, noisier as B/N shrinks, and the
/// running averages would differ from rank to rank. Taking μ and σ² over the global batch keeps
/// the invariant the rest of data-parallel training has: N ranks with global batch B take the
/// same steps as one process with batch B, running statistics included (so they are identical on
/// every rank without being averaged). It costs three small allreduces per batch-norm layer and
/// step (2 floats per channel in the forward pass, 2 in the backward), latency-bound and
/// negligible next to the gradients' allreduce.
///
/// Forward: each rank computes its shard's mean and variance; the global mean is Σ m_r·μ_r / M,
/// then the global variance Σ m_r·(σ²_r + (μ_r − μ)²) / M (Chan's pairwise formula: no
/// cancellation, unlike E[x²] − μ²). Backward: rank r's loss L_r enters the global loss with the
/// weight s_r = n_r/N (its share of the samples), and x_r influences every rank's loss through μ
/// and σ², so ∂x_r needs Σ over all ranks of s·Σ∂y and s·Σ∂y·x̂; divided by s_r·M = m_r, the
/// values this rank normalised, it is the single-process formula with global sums and local m.
/// ∂γ and ∂β stay this rank's own, as every gradient does before the allreduce.
struct SynchronizedBatchStatistics {
    let communicator: Communicator

    /// Set by the training loop around each data-parallel step's forward and backward pass when
    /// every rank has samples (a rank without any runs neither, and could not take part).
    @TaskLocal static var current: SynchronizedBatchStatistics?

    /// The global batch's mean and biased variance per channel, this rank's share s_r of the
    /// samples, and the number of values per channel over all ranks, from this shard's moments
    /// over `localCount` values per channel of `samples` samples.
    func moments(local: (mean: [Float], variance: [Float]), localCount: Int, samples: Int) -> (mean: [Float], variance: [Float], share: Float, count: Int) {
        let channels = local.mean.count, m = Float(localCount)
        var sums = local.mean.map { $0 * m } + [m, Float(samples)]
        reduce(&sums)
        let total = max(sums[channels], 1), mean = (0..<channels).map { sums[$0] / total }
        var squares = (0..<channels).map { m * (local.variance[$0] + (local.mean[$0] - mean[$0]) * (local.mean[$0] - mean[$0])) }
        reduce(&squares)
        return (mean, squares.map { $0 / total }, Float(samples) / max(sums[channels + 1], 1), Int(total))
    }

    /// Σ over all ranks of each rank's share times its per-channel gradient sums.
    func gradientSums(_ local: (sum: [Float], weightedSum: [Float]), share: Float) -> (sum: [Float], weightedSum: [Float]) {
        let channels = local.sum.count
        var sums = (local.sum + local.weightedSum).map { $0 * share }
        reduce(&sums)
        return (Array(sums[..<channels]), Array(sums[channels...]))
    }

    /// An allreduce inside a layer's forward or backward pass, which cannot throw: a failure
    /// ends the job, as MPI's default error handler would have.
    private func reduce(_ values: inout [Float]) {
        do { try communicator.allReduceSum(&values) } catch {
            communicator.fail("batch-norm statistics: \(error)")
        }
    }
}
