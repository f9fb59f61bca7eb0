/// Per-channel loops for batch normalisation over a tensor viewed as `[samples, channels, inner]`
/// (`inner` = h·w for images, 1 for feature vectors). Every inner loop runs over one contiguous
/// run of `inner` values of one channel.
struct ChannelLayout {
    let samples: Int
    let channels: Int
    let inner: Int

    /// How many values each channel's statistics are taken over.
    var valuesPerChannel: Int { samples * inner }
}

extension Kernels {
    /// The mean and the (biased, divided by m) variance of each channel, accumulated in Double.
    static func channelMoments(_ x: UnsafePointer<Float>, layout l: ChannelLayout) -> (mean: [Float], variance: [Float]) {
        var means = [Float](repeating: 0, count: l.channels), variances = means
        let m = Double(max(l.valuesPerChannel, 1))
        for channel in 0..<l.channels {
            var sum: Double = 0
            for sample in 0..<l.samples {
                let row = x + (sample * l.channels + channel) * l.inner
                var partial: Float = 0
                for k in 0..<l.inner { partial += row[k] }
                sum += Double(partial)
            }
            let mean = sum / m
            var squares: Double = 0
            for sample in 0..<l.samples {
                let row = x + (sample * l.channels + channel) * l.inner
                let center = Float(mean)
                var partial: Float = 0
                for k in 0..<l.inner { partial += (row[k] - center) * (row[k] - center) }
                squares += Double(partial)
            }
            means[channel] = Float(mean)
            variances[channel] = Float(squares / m)
        }
        return (means, variances)
    }

    /// `y = a[c]·x + b[c]` for the channel c of each value (normalisation and its affine part in
    /// one pass, with a = γ/σ and b = β − μ·γ/σ).
    static func channelAffine(
        _ x: UnsafePointer<Float>, scale a: [Float], shift b: [Float], layout l: ChannelLayout, into y: UnsafeMutablePointer<Float>
    ) {
        for sample in 0..<l.samples {
            for channel in 0..<l.channels {
                let offset = (sample * l.channels + channel) * l.inner
                let source = x + offset, destination = y + offset
                let (scale, shift) = (a[channel], b[channel])
                for k in 0..<l.inner { destination[k] = scale * source[k] + shift }
            }
        }
    }

    /// Σ dy and Σ dy·x per channel: the reductions every batch-norm gradient is built from.
    static func channelGradientSums(
        _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, layout l: ChannelLayout
    ) -> (sum: [Float], weightedSum: [Float]) {
        var sums = [Float](repeating: 0, count: l.channels), weighted = sums
        for sample in 0..<l.samples {
            for channel in 0..<l.channels {
                let offset = (sample * l.channels + channel) * l.inner
                let g = dy + offset, v = x + offset
                var total: Float = 0, product: Float = 0
                for k in 0..<l.inner {
                    total += g[k]
                    product += g[k] * v[k]
                }
                sums[channel] += total
                weighted[channel] += product
            }
        }
        return (sums, weighted)
    }

    /// `dx = p[c]·dy + q[c]·x + r[c]`: the batch-norm input gradient, which is affine in dy and x
    /// per channel once the channel sums are known.
    static func channelCombination(
        _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, p: [Float], q: [Float], r: [Float], layout l: ChannelLayout,
        into dx: UnsafeMutablePointer<Float>
    ) {
        for sample in 0..<l.samples {
            for channel in 0..<l.channels {
                let offset = (sample * l.channels + channel) * l.inner
                let g = dy + offset, v = x + offset, destination = dx + offset
                let (a, b, c) = (p[channel], q[channel], r[channel])
                for k in 0..<l.inner { destination[k] = a * g[k] + b * v[k] + c }
            }
        }
    }
}
