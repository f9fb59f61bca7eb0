import Foundation

/// Batch normalisation of the channels of `x` (viewed through `layout`):
/// y = γ·x̂ + β with x̂ = (x − μ)/√(σ² + ε), per channel.
///
/// With `statistics` nil (training), μ and σ² are the batch's own (σ² biased, over the m = n·h·w
/// values of the channel) and are returned for the running averages; the gradient then flows
/// through them as well:
///   ∂x = (γ/σ)·(∂y − mean(∂y) − x̂·mean(∂y·x̂)),  ∂γ = Σ ∂y·x̂,  ∂β = Σ ∂y,
/// which is an affine function of ∂y and x per channel once the two sums are known, so it runs
/// as one reduction pass and one element-wise pass. With `statistics` given (evaluation), μ and
/// σ² are constants and ∂x = (γ/σ)·∂y. In a data-parallel step the statistics are the global
/// batch's (``SynchronizedBatchStatistics``); `count` is the number of values per channel they cover.
func batchNormalization(
    _ x: Tensor, gamma: Tensor, beta: Tensor, layout: ChannelLayout, epsilon: Float,
    statistics: (mean: [Float], variance: [Float])?
) -> (output: Tensor, mean: [Float], variance: [Float], count: Int) {
    // In a data-parallel step: the statistics (and the gradient's sums) of the global batch.
    let synchronized = statistics == nil ? SynchronizedBatchStatistics.current : nil
    var (mean, variance) = statistics ?? Kernels.channelMoments(x.storage.base, layout: layout)
    var (share, count) = (Float(1), layout.valuesPerChannel)
    if let synchronized {
        (mean, variance, share, count) = synchronized.moments(local: (mean, variance), localCount: count, samples: layout.samples)
    }
    let channels = layout.channels
    let inverseDeviation = variance.map { 1 / ($0 + epsilon).squareRoot() }
    let scale = (0..<channels).map { gamma.storage.base[$0] * inverseDeviation[$0] }
    let shift = (0..<channels).map { beta.storage.base[$0] - mean[$0] * scale[$0] }
    let output = Tensor(uninitializedShape: x.shape)
    Kernels.channelAffine(x.storage.base, scale: scale, shift: shift, layout: layout, into: output.storage.base)
    let usesBatchStatistics = statistics == nil

    let result = output.recorded(from: [x, gamma, beta]) { gradient, needed in
        let local = Kernels.channelGradientSums(gradient.storage.base, x.storage.base, layout: layout)
        // Σ ∂y·x̂ = (Σ ∂y·x − μ·Σ ∂y)/σ
        let normalized = { (sums: (sum: [Float], weightedSum: [Float])) in
            (0..<channels).map { (sums.weightedSum[$0] - mean[$0] * sums.sum[$0]) * inverseDeviation[$0] }
        }
        let localGradientNormalized = normalized(local)
        var inputGradient: Tensor?
        if needed[0] {
            let sums = synchronized?.gradientSums(local, share: share) ?? local
            let (sumGradient, sumGradientNormalized) = (sums.sum, synchronized == nil ? localGradientNormalized : normalized(sums))
            let m = Float(max(layout.valuesPerChannel, 1))
            let q = (0..<channels).map { usesBatchStatistics ? -scale[$0] * inverseDeviation[$0] * sumGradientNormalized[$0] / m : 0 }
            let r = (0..<channels).map { usesBatchStatistics ? -scale[$0] * sumGradient[$0] / m - q[$0] * mean[$0] : 0 }
            let dx = Tensor(uninitializedShape: x.shape)
            Kernels.channelCombination(
                gradient.storage.base, x.storage.base, p: scale, q: q, r: r, layout: layout, into: dx.storage.base)
            inputGradient = dx
        }
        return [inputGradient, Tensor(localGradientNormalized), Tensor(local.sum)]
    }
    return (result, mean, variance, count)
}
