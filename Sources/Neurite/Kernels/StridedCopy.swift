extension Kernels {
    /// Copies between a contiguous block of `shape` and a strided view of another buffer: element
    /// `i` of the block is at `base + Σ iₖ·strides[k]` in the view. Strides may be negative (a
    /// reversed slice) and need not be contiguous (every other column).
    ///
    /// One loop serves slicing (gather: view → block), the gradient of a slice and concatenation
    /// (scatter: block → view, adding so that the slices' gradients combine), and splitting.
    static func stridedCopy(
        view: UnsafeMutablePointer<Float>, base: Int, strides: [Int], shape: [Int],
        block: UnsafeMutablePointer<Float>, toView: Bool
    ) {
        let contiguous = Broadcasting.strides(of: shape, broadcastTo: shape)
        forEachRow(of: shape, strides: contiguous, strides) { offset, _, viewOffset, length, _, viewStride in
            let strided = view + base + viewOffset, packed = block + offset
            if toView {
                for index in 0..<length { strided[index * viewStride] += packed[index] }
            } else {
                for index in 0..<length { packed[index] = strided[index * viewStride] }
            }
        }
    }
}
