import CNeuriteKernels

extension Kernels {
    /// The right operand of a matrix product, packed once into the GEMM micro-kernel's layout so
    /// that many products against it skip the packing.
    ///
    /// A recurrent layer multiplies every step's `[batch, hidden]` state by the same W_hhᵀ: at
    /// batch 32 the general GEMM repacks all of W_hh for only 32 rows each step, which was about
    /// a tenth of a character model's training time. Packed once per sequence, each step packs
    /// only its small left operand.
    struct PackedMatrix {
        /// op(B) is `inner × columns`.
        let inner: Int, columns: Int
        private let storage: Tensor

        /// Packs op(`b`): `b` itself, stored `inner × columns`, or (transposed) its transpose,
        /// `b` stored `columns × inner`.
        init(_ b: UnsafePointer<Float>, transposed: Bool, inner: Int, columns: Int) {
            self.inner = inner
            self.columns = columns
            storage = Tensor(uninitializedShape: [nk_packed_b_floats(inner, columns)])
            nk_pack_b_whole(transposed ? 1 : 0, inner, columns, b, transposed ? inner : columns, storage.storage.base)
        }

        /// `c[rows × columns] = op(a) · self (+ c when accumulating) + bias`, `a` stored
        /// `rows × inner`, or `inner × rows` when transposed.
        func multiply(
            _ a: UnsafePointer<Float>, transposed: Bool = false, into c: UnsafeMutablePointer<Float>, rows: Int,
            accumulate: Bool = false, bias: UnsafePointer<Float>? = nil
        ) {
            nk_sgemm_prepacked_b(
                transposed ? 1 : 0, rows, columns, inner, a, transposed ? rows : inner, storage.storage.base,
                accumulate ? 1 : 0, c, columns, bias)
        }
    }
}
