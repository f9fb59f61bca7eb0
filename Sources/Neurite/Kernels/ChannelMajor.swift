import Foundation

/// Moves convolution results between the GEMM's channel-major layout `[c, n, h′·w′]` and the
/// NCHW layout `[n, c, h′·w′]` layers exchange, applying the per-channel work on the way.
///
/// The move is a pass over the output that is needed anyway, so the bias, the activation (on
/// the way out) and the activation's derivative and the bias gradient (on the way back) are
/// folded into it instead of costing passes of their own. Each inner loop runs over one
/// contiguous plane of h′·w′ values, which the compiler vectorises.
extension Kernels {
    /// `output[first + s, c, :] = g(z[c, s, :] + bias[c])` for the `count` samples of a chunk.
    static func channelMajorToBatchMajor(
        _ z: UnsafePointer<Float>, bias: UnsafePointer<Float>?, activation: FusedActivation,
        channels: Int, plane: Int, first: Int, count: Int, into output: UnsafeMutablePointer<Float>
    ) {
        for channel in 0..<channels {
            let b = bias?[channel] ?? 0
            for sample in 0..<count {
                let source = z + (channel * count + sample) * plane
                let destination = output + ((first + sample) * channels + channel) * plane
                switch activation {
                case .none: for k in 0..<plane { destination[k] = source[k] + b }
                case .relu: for k in 0..<plane { destination[k] = Swift.max(source[k] + b, 0) }
                case .sigmoid: for k in 0..<plane { destination[k] = stableSigmoid(source[k] + b) }
                case .tanh: for k in 0..<plane { destination[k] = Foundation.tanh(source[k] + b) }
                }
            }
        }
    }

    /// `dz[c, s, :] = gradient[first + s, c, :] ⊙ g′`, with g′ written through the output y
    /// (relu′ = [y > 0], sigmoid′ = y(1−y), tanh′ = 1−y²), and `biasGradient[c] += Σ dz[c, …]`
    /// when given.
    static func batchMajorToChannelMajor(
        _ gradient: UnsafePointer<Float>, output: UnsafePointer<Float>, activation: FusedActivation,
        channels: Int, plane: Int, first: Int, count: Int,
        into dz: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?
    ) {
        for channel in 0..<channels {
            var total: Float = 0
            for sample in 0..<count {
                let offset = ((first + sample) * channels + channel) * plane
                let g = gradient + offset, y = output + offset
                let destination = dz + (channel * count + sample) * plane
                switch activation {
                case .none: destination.update(from: g, count: plane)
                case .relu: for k in 0..<plane { destination[k] = y[k] > 0 ? g[k] : 0 }
                case .sigmoid: for k in 0..<plane { destination[k] = g[k] * y[k] * (1 - y[k]) }
                case .tanh: for k in 0..<plane { destination[k] = g[k] * (1 - y[k] * y[k]) }
                }
                if biasGradient != nil { for k in 0..<plane { total += destination[k] } }
            }
            biasGradient?[channel] += total
        }
    }
}
