import Foundation
import Testing
@testable import Neurite

/// The GEMM every layer runs on, against a naive double-precision reference: every transpose
/// form, sizes 1…67 around the register tiles (6×16 AVX2, 8×32 AVX-512) and the 8- and 16-wide
/// vectors, with the fused bias and activations and accumulation, on 1 and 2 threads, on every
/// kernel family this CPU runs (so an AVX-512 machine also tests the AVX2 and portable paths).
@Suite("GEMM kernel", .serialized)
struct MatrixKernelTests {
    static let sizes = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 67]
    static let innerSizes = [1, 3, 8, 17, 64, 67]

    /// The kernel families this CPU can run; the selected one among them.
    static let kernels: [String] = ["avx512", "avx2", "neon", "portable"].filter { kernel in
        var a: Float = 1, b: Float = 2, c: Float = 0
        return Kernels.matrixMultiply(
            onKernel: kernel, &a, transposed: false, &b, transposed: false, into: &c, rows: 1, columns: 1, inner: 1)
    }

    @Test func everyFamilyThisCPURunsIsTested() {
        #expect(Self.kernels.contains("portable"))
        #expect(Self.kernels.contains { KernelInfo.kernelName.hasPrefix($0) }, "\(KernelInfo.kernelName) not in \(Self.kernels)")
    }

    /// A logical m×k matrix stored row-major either as is or transposed (k×m).
    private static func stored(_ values: [Float], rows: Int, columns: Int, transposed: Bool) -> [Float] {
        guard transposed else { return values }
        var result = [Float](repeating: 0, count: values.count)
        for row in 0..<rows { for column in 0..<columns { result[column * rows + row] = values[row * columns + column] } }
        return result
    }

    private static func reference(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                for i in 0..<m {
                    for p in 0..<k {
                        let scale = Double(a[i * k + p])
                        for j in 0..<n { c[i * n + j] += scale * Double(b[p * n + j]) }
                    }
                }
            }
        }
        return c
    }

    private static func apply(_ activation: Kernels.FusedActivation, _ x: Double) -> Double {
        switch activation {
        case .none: return x
        case .relu: return max(x, 0)
        case .sigmoid: return 1 / (1 + (-x).exp)
        case .tanh: return x.tanhValue
        }
    }

    /// Runs every kernel family, transpose form and thread count on one shape; returns the worst
    /// relative error.
    private static func worstError(m: Int, n: Int, k: Int, seed: UInt64, epilogue: Bool, threadCounts: [Int] = [1, 2]) -> Double {
        let a = Tensor.randomNormal([m * k], seed: seed).scalars, b = Tensor.randomNormal([k * n], seed: seed + 1).scalars
        let bias = Tensor.randomNormal([n], seed: seed + 2).scalars, initial = Tensor.randomNormal([m * n], seed: seed + 3).scalars
        let product = reference(a, b, m: m, n: n, k: k)
        let scale = max(1, product.map(abs).max() ?? 1)
        var worst: Double = 0
        let activation: Kernels.FusedActivation = epilogue ? [.relu, .sigmoid, .tanh][(m + n + k) % 3] : .none
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                let storedA = stored(a, rows: m, columns: k, transposed: transposeA)
                let storedB = stored(b, rows: k, columns: n, transposed: transposeB)
                for kernel in kernels {
                    for threads in threadCounts {
                        KernelInfo.threadCount = threads
                        defer { KernelInfo.threadCount = 0 }
                        // Without the epilogue, C starts as NaN: it must be written, never read.
                        var c = epilogue ? initial : [Float](repeating: .nan, count: m * n)
                        storedA.withUnsafeBufferPointer { pa in
                            storedB.withUnsafeBufferPointer { pb in
                                bias.withUnsafeBufferPointer { pbias in
                                    c.withUnsafeMutableBufferPointer { pc in
                                        _ = Kernels.matrixMultiply(
                                            onKernel: kernel, pa.baseAddress!, transposed: transposeA, pb.baseAddress!,
                                            transposed: transposeB, into: pc.baseAddress!, rows: m, columns: n, inner: k,
                                            accumulate: epilogue, bias: epilogue ? pbias.baseAddress! : nil, activation: activation)
                                    }
                                }
                            }
                        }
                        for index in 0..<(m * n) {
                            let expected = epilogue
                                ? apply(activation, product[index] + Double(initial[index]) + Double(bias[index % n]))
                                : product[index]
                            worst = max(worst, abs(Double(c[index]) - expected) / scale)
                        }
                    }
                }
            }
        }
        return worst
    }

    @Test func everyTransposeFormAndOddSizeMatchesTheReference() {
        var worst: Double = 0, cases = 0
        for m in Self.sizes {
            for n in Self.sizes {
                for k in Self.innerSizes {
                    worst = max(worst, Self.worstError(m: m, n: n, k: k, seed: UInt64(m * 10_000 + n * 100 + k), epilogue: false))
                    cases += 8 * Self.kernels.count
                }
            }
        }
        #expect(worst <= 1e-5, "worst relative error \(worst) over \(cases) products")
    }

    @Test func fusedBiasActivationAndAccumulationMatchTheReference() {
        var worst: Double = 0
        for (m, n, k) in [(1, 1, 1), (5, 17, 9), (6, 16, 8), (13, 33, 67), (64, 10, 128), (37, 45, 29)] {
            worst = max(worst, Self.worstError(m: m, n: n, k: k, seed: UInt64(m + n + k), epilogue: true))
        }
        #expect(worst <= 1e-5, "worst relative error \(worst)")
    }

    @Test func trainingShapesMatchTheReference() {
        // The 784→128 dense layer at batch 64: its forward product and both backward forms run
        // through the same routine as their transposed variants.
        #expect(Self.worstError(m: 64, n: 128, k: 784, seed: 1, epilogue: false) <= 1e-5)
        #expect(Self.worstError(m: 1, n: 128, k: 784, seed: 2, epilogue: false) <= 1e-5)
        // One row wider than the AVX2 small path's groups of 1024 columns, each over K in blocks
        // of rows, and a narrow rest.
        #expect(Self.worstError(m: 1, n: 1100, k: 37, seed: 5, epilogue: true) <= 1e-5)
        // Batch 8 at the packing-free path's limit (AVX-512: 8 rows, one pass over B).
        #expect(Self.worstError(m: 8, n: 130, k: 300, seed: 4, epilogue: true) <= 1e-5)
        #expect(Self.worstError(m: 300, n: 257, k: 129, seed: 3, epilogue: true) <= 1e-5)
    }

    @Test func fewColumnsOnThePackingFreePathMatchTheReference() {
        // At most 16 columns with op(B) = B take the AVX-512 family's packing-free path whatever M
        // is (one-vector tiles of 8 rows): a 10-class output layer's forward product and weight
        // gradient at batch 64, and at batch 1000, where the rows are split across threads.
        var worst: Double = 0
        for (m, n, k) in [(64, 10, 128), (128, 10, 64), (1000, 10, 128), (9, 16, 33), (67, 1, 17)] {
            worst = max(worst, Self.worstError(m: m, n: n, k: k, seed: UInt64(m * n + k), epilogue: (m + k) % 2 == 0))
        }
        #expect(worst <= 1e-5, "worst relative error \(worst)")
    }

    @Test func tallProductsMatchTheReference() {
        // At least 16 rows per thread (128 for N ≤ 16) with a small B: the AVX-512 family's
        // packing-free tall path (8-row tiles of 32 columns; for N ≤ 16, 12-row tiles of one
        // vector), with the rows left over after the full tiles, the masked right edge, and two
        // threads' row split; a batch-64 dense layer's forward product, alone and in a K slice.
        for (m, n, k) in [(139, 45, 19), (131, 10, 37), (256, 33, 24), (263, 16, 9), (16, 17, 40), (37, 70, 300), (64, 128, 392)] {
            #expect(Self.worstError(m: m, n: n, k: k, seed: UInt64(m * n + k), epilogue: false) <= 1e-5, "\(m)×\(n)×\(k)")
            #expect(Self.worstError(m: m, n: n, k: k, seed: UInt64(m * n + k), epilogue: true) <= 1e-5, "\(m)×\(n)×\(k)")
        }
    }

    @Test func longInnerDimensionSplitAcrossThreadsMatchesTheReference() {
        // Outputs too small for an M×N split with K ≥ 2·512 run as a split of K with partial
        // sums (the conv weight gradient, LeNet conv1: 6×25 with K = 50176); odd K leaves a
        // short last slice. Every transpose form, with and without the epilogue.
        for (m, n, k) in [(6, 25, 3000), (6, 25, 2049), (16, 9, 1500), (1, 1, 4096)] {
            #expect(Self.worstError(m: m, n: n, k: k, seed: UInt64(m * n + k), epilogue: false) <= 1e-5, "\(m)×\(n)×\(k)")
            #expect(Self.worstError(m: m, n: n, k: k, seed: UInt64(m * n + k), epilogue: true) <= 1e-5, "\(m)×\(n)×\(k)")
        }
    }

    @Test func aRowOrTwoSplitByInnerSlicesAcrossTheThreadsMatchesTheReference() {
        // One or two rows against a B of K ≥ 256 per thread run as one slice of K per thread
        // (batch-1 inference of a 784→128 layer), the caller adding the partials and applying the
        // epilogue; odd K leaves a short last slice, and on 3 and 4 threads K = 784 is cut in 3.
        for (m, n, k) in [(1, 128, 784), (2, 128, 784), (1, 70, 515), (2, 33, 1031), (1, 10, 4096)] {
            for epilogue in [false, true] {
                let error = Self.worstError(m: m, n: n, k: k, seed: UInt64(m + n * k), epilogue: epilogue, threadCounts: [1, 2, 3, 4])
                #expect(error <= 1e-5, "\(m)×\(n)×\(k), epilogue \(epilogue)")
            }
        }
    }

    @Test func smallOutputNextToLargeRightOperandSplitByInnerSlicesMatchesTheReference() {
        // An output at most half of B with K ≥ 512 and at least two rows of micro-tiles runs
        // as two fixed slices of K (a small batch times a weight matrix), on 3 and 4 threads also
        // split over M×N within a slice; odd K leaves a shorter second slice. With the epilogue, C
        // is accumulated into. At batch 256 the partial (32k floats) is summed by the threads.
        for (m, n, k) in [(64, 128, 784), (16, 128, 784), (20, 70, 515), (256, 128, 784), (257, 127, 515)] {
            for epilogue in [false, true] {
                let error = Self.worstError(m: m, n: n, k: k, seed: UInt64(m + n * k), epilogue: epilogue, threadCounts: [1, 2, 3, 4])
                #expect(error <= 1e-5, "\(m)×\(n)×\(k), epilogue \(epilogue)")
            }
        }
    }

    @Test func innerSlicesOfASmallOutputDoNotDependOnTheThreadCount() {
        // The slices are fixed by the shape, so every thread count adds the same partial sums in
        // the same order: bit-identical results (the dense layer's forward product at batch 64,
        // and at batch 256, where the threads share the sum).
        for (m, n, k) in [(64, 128, 784), (256, 128, 784)] {
            let a = Tensor.randomNormal([m * k], seed: 11).scalars, b = Tensor.randomNormal([k * n], seed: 12).scalars
            let results = [1, 2, 3, 4].map { threads in
                KernelInfo.threadCount = threads
                defer { KernelInfo.threadCount = 0 }
                return Self.product(a, b, transposingB: false, m: m, n: n, k: k)
            }
            #expect(results.allSatisfy { $0 == results[0] }, "\(m)×\(n)×\(k)")
        }
    }

    @Test func splitOfTheInnerDimensionIsReproducible() {
        let (m, n, k) = (6, 25, 5000)
        let a = Tensor.randomNormal([m * k], seed: 7).scalars, b = Tensor.randomNormal([n * k], seed: 8).scalars
        KernelInfo.threadCount = 2
        defer { KernelInfo.threadCount = 0 }
        let runs = (0..<5).map { _ in Self.product(a, b, transposingB: true, m: m, n: n, k: k) }
        #expect(runs.allSatisfy { $0 == runs[0] })
    }

    /// a (m×k) · b (k×n, or n×k stored when `transposingB`) by the selected kernel family.
    private static func product(_ a: [Float], _ b: [Float], transposingB: Bool, m: Int, n: Int, k: Int) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    Kernels.matrixMultiply(
                        pa.baseAddress!, transposed: false, pb.baseAddress!, transposed: transposingB,
                        into: pc.baseAddress!, rows: m, columns: n, inner: k)
                }
            }
        }
        return c
    }
}

private extension Double {
    var exp: Double { Foundation.exp(self) }
    var tanhValue: Double { Foundation.tanh(self) }
}
