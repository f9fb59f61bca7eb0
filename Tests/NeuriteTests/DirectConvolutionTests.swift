import Testing
@testable import Neurite

/// The direct convolution kernels (AVX-512, AVX2 or portable, whichever this machine runs;
/// `NEURITE_KERNEL=avx2` or `portable` selects the others) against a float64 convolution
/// written out in the test: forward, and the input, weight and bias gradients of
/// Σ G ⊙ conv(x) (so the output's gradient is G), on odd batches and the channel counts and
/// widths whose register tiles are partial (1, 3, 6, 7, 13, 16 channels; kernels 3, 5, 6; 12–16
/// output channels take the AVX-512 weight gradient with the channels in the lanes).
@Suite("Direct convolution against float64")
struct DirectConvolutionTests {
    @Test(arguments: [
        (batch: 1, inChannels: 1, outChannels: 16, kernel: 5, padding: 2, height: 9, width: 11),
        (batch: 3, inChannels: 3, outChannels: 6, kernel: 5, padding: 0, height: 14, width: 13),
        (batch: 5, inChannels: 6, outChannels: 16, kernel: 5, padding: 0, height: 14, width: 14),
        (batch: 2, inChannels: 16, outChannels: 7, kernel: 3, padding: 1, height: 7, width: 9),
        (batch: 1, inChannels: 16, outChannels: 16, kernel: 6, padding: 0, height: 8, width: 10),
        (batch: 3, inChannels: 2, outChannels: 13, kernel: 3, padding: 1, height: 6, width: 19),
    ])
    func matchesFloat64Reference(
        batch: Int, inChannels: Int, outChannels: Int, kernel: Int, padding: Int, height: Int, width: Int
    ) throws {
        let conv = Conv2D(inChannels, outChannels, kernelSize: kernel, padding: .explicit(padding, padding), seed: 3)
        let x = Tensor.randomNormal([batch, inChannels, height, width], seed: 4)
        conv.bias!.value = Tensor.randomNormal([outChannels], seed: 5)
        let outputShape = [batch] + conv.outputShape(forSample: [inChannels, height, width])!
        let upstream = Tensor.randomNormal(outputShape, seed: 6)
        let output = try withoutGradient { try conv(x) }
        let (_, gradients) = try valueWithGradient(at: [x, conv.weight, conv.bias!.value]) { inputs in
            conv.weight = inputs[1]
            conv.bias!.value = inputs[2]
            return try (conv(inputs[0]) * upstream).sum()
        }

        let reference = ReferenceConvolution(
            x: x.scalars.map(Double.init), weight: conv.weight.scalars.map(Double.init),
            shape: (batch, inChannels, outChannels, kernel, padding, height, width))
        let g = upstream.scalars.map(Double.init)
        #expect(largest(output.scalars, reference.forward(bias: conv.bias!.value.scalars.map(Double.init))) < 1e-4)
        let (dx, dw, db) = reference.backward(g)
        #expect(largest(gradients[0].scalars, dx) < 1e-4)
        #expect(largest(gradients[1].scalars, dw) < 1e-3)
        #expect(largest(gradients[2].scalars, db) < 1e-3)
    }

    private func largest(_ a: [Float], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "\(a.count) ≠ \(b.count) values")
        return zip(a, b).map { abs(Double($0) - $1) / max(1, abs($1)) }.max() ?? 0
    }
}

/// y[n, o, i, j] = b[o] + Σ_c Σ_p Σ_q w[o, c, p, q] · x[n, c, i + p − pad, j + q − pad] in float64,
/// and its adjoints, by the definition (stride and dilation 1).
private struct ReferenceConvolution {
    let x: [Double], weight: [Double]
    let shape: (batch: Int, inChannels: Int, outChannels: Int, kernel: Int, padding: Int, height: Int, width: Int)
    var outputHeight: Int { shape.height + 2 * shape.padding - shape.kernel + 1 }
    var outputWidth: Int { shape.width + 2 * shape.padding - shape.kernel + 1 }

    /// Calls `body(outputIndex, inputIndex, weightIndex)` for every product of the sum.
    func forEachProduct(_ body: (Int, Int, Int) -> Void) {
        let s = shape
        for n in 0..<s.batch { for o in 0..<s.outChannels { for i in 0..<outputHeight { for j in 0..<outputWidth {
            let out = ((n * s.outChannels + o) * outputHeight + i) * outputWidth + j
            for c in 0..<s.inChannels { for p in 0..<s.kernel { for q in 0..<s.kernel {
                let row = i + p - s.padding, column = j + q - s.padding
                guard (0..<s.height).contains(row), (0..<s.width).contains(column) else { continue }
                body(out, ((n * s.inChannels + c) * s.height + row) * s.width + column,
                     ((o * s.inChannels + c) * s.kernel + p) * s.kernel + q)
            } } }
        } } } }
    }

    func forward(bias: [Double]) -> [Double] {
        let plane = outputHeight * outputWidth
        var y = (0..<(shape.batch * shape.outChannels * plane)).map { bias[($0 / plane) % shape.outChannels] }
        forEachProduct { out, input, tap in y[out] += weight[tap] * x[input] }
        return y
    }

    func backward(_ g: [Double]) -> (dx: [Double], dw: [Double], db: [Double]) {
        var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: weight.count)
        forEachProduct { out, input, tap in
            dx[input] += weight[tap] * g[out]
            dw[tap] += x[input] * g[out]
        }
        let plane = outputHeight * outputWidth
        var db = [Double](repeating: 0, count: shape.outChannels)
        for (k, value) in g.enumerated() { db[(k / plane) % shape.outChannels] += value }
        return (dx, dw, db)
    }
}
