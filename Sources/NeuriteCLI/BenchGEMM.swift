import Neurite

/// One matrix product `C[m×n] = op(A) · op(B)` timed by `neurite bench`, in fp32.
struct GEMMShape: Sendable {
    let label: String
    let m: Int, n: Int, k: Int
    /// A stored k×m (op(A) = Aᵀ), B stored n×k (op(B) = Bᵀ): the layouts of a backward pass.
    var transposeA = false, transposeB = false

    var flops: Double { 2 * Double(m) * Double(n) * Double(k) }

    static func square(_ n: Int) -> GEMMShape { GEMMShape(label: "gemm \(n)×\(n)·\(n)×\(n)", m: n, n: n, k: n) }

    /// The three products of one dense 784→128 layer at batch 64, as `neurite train mnist` runs them.
    static let training: [GEMMShape] = [
        GEMMShape(label: "gemm 64×784·784×128 (forward)", m: 64, n: 128, k: 784),
        GEMMShape(label: "gemm (64×784)ᵀ·64×128 (∂weight)", m: 784, n: 128, k: 64, transposeA: true),
        GEMMShape(label: "gemm 64×128·(784×128)ᵀ (∂input)", m: 64, n: 784, k: 128, transposeB: true),
    ]
}

/// GFLOPS of Neurite's GEMM for `shape`: the kernel alone, on buffers allocated once, so the
/// figure is comparable with NumPy's `matmul(..., out=c)`.
func measureGEMM(_ shape: GEMMShape, minimumSeconds: Double) -> Double {
    var generator = RandomGenerator(seed: 1)
    let a = randomMatrix(count: shape.m * shape.k, using: &generator)
    let b = randomMatrix(count: shape.k * shape.n, using: &generator)
    let c = alignedMatrix(count: shape.m * shape.n)
    defer { for matrix in [a, b, c] { UnsafeMutableRawPointer(matrix).deallocate() } }

    let seconds = bestSecondsPerCall(minimumSeconds: minimumSeconds) {
        KernelInfo.multiply(
            a, transposed: shape.transposeA, b, transposed: shape.transposeB,
            into: c, rows: shape.m, columns: shape.n, inner: shape.k)
    }
    return shape.flops / seconds / 1e9
}

private func randomMatrix(count: Int, using generator: inout RandomGenerator) -> UnsafeMutablePointer<Float> {
    let matrix = alignedMatrix(count: count)
    for index in 0..<count { matrix[index] = Float.random(in: -1...1, using: &generator) }
    return matrix
}

/// 64-byte aligned, as a tensor's storage is: the GEMM rows measure the kernel on the buffers the
/// library hands it. (The allocator's 16-byte alignment can put every 64-byte vector of a row
/// across two cache lines: the batch-1 product 1×784·784×128 took 5.8 µs on weights 16 bytes off
/// a line against 3.2 µs on aligned ones, one thread, in a C harness.)
private func alignedMatrix(count: Int) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
        .bindMemory(to: Float.self, capacity: count)
}
