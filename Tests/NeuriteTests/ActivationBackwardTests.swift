import Foundation
import Testing
@testable import Neurite

/// A fused activation's backward, ∂z = ∂y ⊙ g′(y) with g′ read from the forward's output, and
/// the bias's gradient Σ_rows ∂z from the same call, split by columns across threads.
@Suite("Activation backward", .serialized)
struct ActivationBackwardTests {
    @Test(arguments: [(Kernels.FusedActivation.relu, 0), (.sigmoid, 1), (.tanh, 2)])
    func matchesTheDerivativeWrittenOutAndSumsTheColumns(activation: Kernels.FusedActivation, seed: Int) throws {
        // 70 columns: 4 chunks of 16 and a partial one; 1000 rows × 70 is above the split threshold.
        let rows = 1000, width = 70
        #expect(rows * width >= Kernels.minimumParallelWork)
        let gradient = Tensor.randomNormal([rows, width], seed: UInt64(10 + seed))
        let raw = Tensor.randomNormal([rows, width], seed: UInt64(20 + seed)).scalars
        // Outputs as the forward leaves them: ReLU ≥ 0 with exact zeros, sigmoid in (0, 1), tanh in (−1, 1).
        let output = try Tensor(shape: [rows, width], scalars: raw.map { x in
            switch activation {
            case .relu: return max(x, 0)
            case .sigmoid: return 1 / (1 + exp(-x))
            case .tanh: return tanh(x)
            case .none: return x
            }
        })
        let g = gradient.scalars, y = output.scalars
        let expected = (0..<g.count).map { i -> Float in
            switch activation {
            case .relu: return y[i] > 0 ? g[i] : 0
            case .sigmoid: return g[i] * y[i] * (1 - y[i])
            case .tanh: return g[i] * (1 - y[i] * y[i])
            case .none: return g[i]
            }
        }
        for threads in [1, 3] {
            KernelInfo.threadCount = threads
            defer { KernelInfo.threadCount = 0 }
            let (dz, sums) = Kernels.activationBackward(gradient, output: output, activation: activation, columnSums: true)
            #expect(dz.shape == [rows, width])
            let worst = zip(dz.scalars, expected).map { abs($0 - $1) / max(1, abs($1)) }.max()!
            #expect(worst <= 1e-6, "\(activation), \(threads) threads: worst error \(worst)")
            let columnSums = try #require(sums).scalars
            for column in [0, 15, 16, 63, 64, 69] {
                let reference = (0..<rows).reduce(Double(0)) { $0 + Double(expected[$1 * width + column]) }
                #expect(abs(Double(columnSums[column]) - reference) <= 1e-4 * max(1, abs(reference)), "column \(column)")
            }
        }
        if activation == .relu {  // a unit that is off passes nothing back, however large ∂y is
            let off = y.firstIndex(of: 0)!
            #expect(Kernels.activationBackward(gradient, output: output, activation: .relu, columnSums: false).preactivation.scalars[off] == 0)
        }
    }

    @Test func columnSumsDoNotDependOnTheThreadCount() {
        #expect(601 * 130 >= Kernels.minimumParallelWork)
        let gradient = Tensor.randomNormal([601, 130], seed: 3), output = Tensor.randomNormal([601, 130], seed: 4)
        func sums(_ threads: Int) -> [Float] {
            KernelInfo.threadCount = threads
            defer { KernelInfo.threadCount = 0 }
            return Kernels.activationBackward(gradient, output: output, activation: .tanh, columnSums: true).columnSums!.scalars
        }
        #expect(sums(1) == sums(2))
        #expect(sums(1) == sums(4))
    }
}
