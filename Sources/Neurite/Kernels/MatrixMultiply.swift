import CNeuriteKernels

extension Kernels {
    /// `C = op(A) · op(B)` for row-major matrices, through the packed, multi-threaded SIMD GEMM
    /// of `CNeuriteKernels`. The transposes are absorbed by the kernel's packing, so backward
    /// passes never copy a matrix to transpose it.
    static func matrixMultiply(
        _ a: UnsafePointer<Float>, transposed transposeA: Bool,
        _ b: UnsafePointer<Float>, transposed transposeB: Bool,
        into c: UnsafeMutablePointer<Float>, rows m: Int, columns n: Int, inner k: Int,
        accumulate: Bool = false, bias: UnsafePointer<Float>? = nil, activation: FusedActivation = .none
    ) {
        let lda = transposeA ? m : k
        let ldb = transposeB ? k : n
        if bias == nil && activation == .none {
            nk_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, 1, a, lda, b, ldb, accumulate ? 1 : 0, c, n)
        } else {
            nk_sgemm_bias_act(
                transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, 1, a, lda, b, ldb, accumulate ? 1 : 0, c, n,
                bias, activation.code)
        }
    }

    /// `matrixMultiply` on the kernel family named `kernel` ("avx512", "avx2", "neon",
    /// "portable") instead of the one dispatch selected, so that tests cover every family this
    /// CPU can run in one process. Returns false, computing nothing, where the CPU cannot run it.
    static func matrixMultiply(
        onKernel kernel: String,
        _ a: UnsafePointer<Float>, transposed transposeA: Bool,
        _ b: UnsafePointer<Float>, transposed transposeB: Bool,
        into c: UnsafeMutablePointer<Float>, rows m: Int, columns n: Int, inner k: Int,
        accumulate: Bool = false, bias: UnsafePointer<Float>? = nil, activation: FusedActivation = .none
    ) -> Bool {
        nk_sgemm_bias_act_on(
            kernel, transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, 1, a, transposeA ? m : k, b,
            transposeB ? k : n, accumulate ? 1 : 0, c, n, bias, activation.code) != 0
    }

    /// Activations the GEMM can apply while its results are still in registers.
    enum FusedActivation {
        case none, relu, sigmoid, tanh

        /// The fused form of `activation`; softmax is not element-wise, so it runs after the
        /// product as its own operation and the kernel applies nothing.
        init(_ activation: Activation) {
            switch activation {
            case .relu: self = .relu
            case .sigmoid: self = .sigmoid
            case .tanh: self = .tanh
            case .linear, .softmax: self = .none
            }
        }

        var code: Int32 {
            switch self {
            case .none: return Int32(NK_ACT_NONE)
            case .relu: return Int32(NK_ACT_RELU)
            case .sigmoid: return Int32(NK_ACT_SIGMOID)
            case .tanh: return Int32(NK_ACT_TANH)
            }
        }
    }
}
