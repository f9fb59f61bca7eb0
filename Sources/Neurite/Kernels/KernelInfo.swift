import CNeuriteKernels

/// The compute backend as benchmarks and diagnostics see it. `CNeuriteKernels` and the buffer pool
/// stay internal; this is the one public window onto them, so tools can report what ran and
/// measure the GEMM alone, without tensor bookkeeping in the timings.
public enum KernelInfo {
    /// The kernel family CPU dispatch selected: "avx512", "avx2+fma", "neon" or "portable".
    public static var kernelName: String { String(cString: nk_kernel_name()) }

    /// Threads large products are split across; setting 0 or less restores the default
    /// (`NEURITE_THREADS`, else the number of online CPUs).
    public static var threadCount: Int {
        get { Int(nk_thread_count()) }
        set { nk_set_thread_count(Int32(clamping: newValue)) }
    }

    /// Tensor buffers taken from the system allocator and recycled by the pool since start.
    public static var allocationStatistics: (systemAllocations: Int, reused: Int) { BufferPool.shared.statistics }

    /// `c[m×n] = op(a) · op(b)` on row-major matrices, the GEMM every layer runs on. A transposed
    /// operand is stored the other way round (`a` as k×m, `b` as n×k), as in a backward pass.
    public static func multiply(
        _ a: UnsafePointer<Float>, transposed transposeA: Bool = false,
        _ b: UnsafePointer<Float>, transposed transposeB: Bool = false,
        into c: UnsafeMutablePointer<Float>, rows m: Int, columns n: Int, inner k: Int
    ) {
        Kernels.matrixMultiply(a, transposed: transposeA, b, transposed: transposeB, into: c, rows: m, columns: n, inner: k)
    }
}
