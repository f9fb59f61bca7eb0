extension Kernels {
    /// Whether every element of `tensor` is finite, in one vectorised pass without early exit:
    /// x − x is 0 for a finite x and NaN for ±∞ or NaN, and a sum of those stays 0 only if all are
    /// finite. Eight lanes keep the additions independent, so the loop runs at memory speed; the
    /// training loop checks every weight after every update with it.
    static func isFinite(_ tensor: Tensor) -> Bool {
        let count = tensor.count, base = UnsafeRawPointer(tensor.storage.base)
        var lanes = SIMD8<Float>(repeating: 0)
        var index = 0
        while index + 8 <= count {
            let values = base.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
            lanes += values - values
            index += 8
        }
        var rest: Float = 0
        while index < count {
            let value = tensor.storage.base[index]
            rest += value - value
            index += 1
        }
        return lanes == SIMD8<Float>(repeating: 0) && rest == 0
    }
}
