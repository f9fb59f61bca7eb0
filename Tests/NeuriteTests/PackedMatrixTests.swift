import Testing
@testable import Neurite

/// The GEMM against a right operand packed once (a recurrent layer's W_hh), against the general
/// GEMM: both layouts of each operand, sizes around the register tile and across the K blocks
/// (K > 256 packs in two blocks), with bias and accumulation, on 1 and 2 threads (a product with
/// Aᵀ, the recurrent weights' gradient, is split by rows, the others by columns).
@Suite("Packed-matrix GEMM", .serialized)
struct PackedMatrixTests {
    static let shapes: [(rows: Int, columns: Int, inner: Int)] = [
        (1, 1, 1), (5, 17, 3), (7, 16, 64), (13, 33, 300), (32, 96, 128), (6, 40, 513),
        (44, 20, 260),  // tall: with Aᵀ split by rows across threads, a partial strip of 8 rows
    ]

    @Test(arguments: 0..<shapes.count)
    func matchesTheGeneralGEMM(shape: Int) {
        let (m, n, k) = Self.shapes[shape]
        let a = Tensor.randomNormal([m * k], seed: 1), b = Tensor.randomNormal([k * n], seed: 2)
        let bias = Tensor.randomNormal([n], seed: 3), initial = Tensor.randomNormal([m * n], seed: 4)
        for threads in [1, 2] {
            KernelInfo.threadCount = threads
            defer { KernelInfo.threadCount = 0 }
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    for accumulate in [false, true] {
                        let useBias = accumulate == transposeB  // both with and without, in each layout
                        let expected = Tensor(initial.scalars)
                        Kernels.matrixMultiply(
                            a.storage.base, transposed: transposeA, b.storage.base, transposed: transposeB,
                            into: expected.storage.base, rows: m, columns: n, inner: k, accumulate: accumulate,
                            bias: useBias ? bias.storage.base : nil)
                        let packed = Kernels.PackedMatrix(b.storage.base, transposed: transposeB, inner: k, columns: n)
                        let result = Tensor(initial.scalars)
                        packed.multiply(
                            a.storage.base, transposed: transposeA, into: result.storage.base, rows: m,
                            accumulate: accumulate, bias: useBias ? bias.storage.base : nil)
                        let worst = zip(result.scalars, expected.scalars).map { abs($0 - $1) / max(1, abs($1)) }.max()!
                        #expect(worst <= 1e-4, "\(m)×\(n)×\(k) threads \(threads) Aᵀ \(transposeA) Bᵀ \(transposeB) += \(accumulate)")
                    }
                }
            }
        }
    }
}
