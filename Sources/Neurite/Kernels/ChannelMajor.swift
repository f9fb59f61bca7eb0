import CNeuriteKernels
import Foundation

/// Moves convolution results between the GEMM's channel-major layout `[c, n, h′·w′]` and the
/// NCHW layout `[n, c, h′·w′]` layers exchange, applying the per-channel work on the way.
///
/// The move is a pass over the output that is needed anyway, so the bias, the activation (on
/// the way out) and the activation's derivative and the bias gradient (on the way back) are
/// folded into it instead of costing passes of their own. Each inner loop runs over one
/// contiguous plane of h′·w′ values; the work is in C (`channel_major.c`) except the sigmoid and
/// tanh forward.
extension Kernels {
    /// `output[first + s, c, :] = g(z[c, s, :] + bias[c])` for the `count` samples of a chunk.
    static func channelMajorToBatchMajor(
        _ z: UnsafePointer<Float>, bias: UnsafePointer<Float>?, activation: FusedActivation,
        channels: Int, plane: Int, first: Int, count: Int, into output: UnsafeMutablePointer<Float>
    ) {
        guard activation == .sigmoid || activation == .tanh else {
            // The C pass (channel_major.c) vectorises and splits channels across the cores.
            return nk_channel_major_to_batch_major(z, bias, activation.code, channels, plane, first, count, output)
        }
        // Sigmoid and tanh stay here: the C target has no libm, and these must match the
        // activation layers' functions exactly.
        for channel in 0..<channels {
            let b = bias?[channel] ?? 0
            for sample in 0..<count {
                let source = z + (channel * count + sample) * plane
                let destination = output + ((first + sample) * channels + channel) * plane
                if activation == .sigmoid {
                    for k in 0..<plane { destination[k] = stableSigmoid(source[k] + b) }
                } else {
                    for k in 0..<plane { destination[k] = Foundation.tanh(source[k] + b) }
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
        // In C (channel_major.c): in Swift the ReLU select compiled to a mispredicted branch per
        // element and the bias sum ran in order, 9% of a LeNet epoch; the C pass is vectorised,
        // split across channels, and sums the bias gradient in 16 fixed lanes.
        nk_batch_major_to_channel_major(
            gradient, output, activation.code, channels, plane, first, count, dz, biasGradient)
    }
}
