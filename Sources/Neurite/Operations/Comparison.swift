/// Comparisons give masks of 1s and 0s (as `Float`, so they can weight other tensors);
/// ``where(_:_:_:)`` selects between two tensors by such a mask. Masks carry no gradient.
extension Tensor {
    /// 1 where `lhs > rhs` element-wise, else 0.
    public static func .> (lhs: Tensor, rhs: Float) -> Tensor { Kernels.map(lhs) { $0 > rhs ? 1 : 0 } }
    /// 1 where `lhs < rhs` element-wise, else 0.
    public static func .< (lhs: Tensor, rhs: Float) -> Tensor { Kernels.map(lhs) { $0 < rhs ? 1 : 0 } }
    /// 1 where `lhs >= rhs` element-wise, else 0.
    public static func .>= (lhs: Tensor, rhs: Float) -> Tensor { Kernels.map(lhs) { $0 >= rhs ? 1 : 0 } }
    /// 1 where `lhs <= rhs` element-wise, else 0.
    public static func .<= (lhs: Tensor, rhs: Float) -> Tensor { Kernels.map(lhs) { $0 <= rhs ? 1 : 0 } }
    /// 1 where `lhs == rhs` element-wise, else 0.
    public static func .== (lhs: Tensor, rhs: Float) -> Tensor { Kernels.map(lhs) { $0 == rhs ? 1 : 0 } }

    /// 1 where `lhs != rhs` element-wise, else 0.
    public static func .!= (lhs: Tensor, rhs: Float) -> Tensor { Kernels.map(lhs) { $0 != rhs ? 1 : 0 } }

    /// 1 where `lhs > rhs` element-wise, else 0 (broadcasting).
    public static func .> (lhs: Tensor, rhs: Tensor) -> Tensor { compare(lhs, rhs) { $0 > $1 } }
    /// 1 where `lhs < rhs` element-wise, else 0 (broadcasting).
    public static func .< (lhs: Tensor, rhs: Tensor) -> Tensor { compare(lhs, rhs) { $0 < $1 } }
    /// 1 where `lhs >= rhs` element-wise, else 0 (broadcasting).
    public static func .>= (lhs: Tensor, rhs: Tensor) -> Tensor { compare(lhs, rhs) { $0 >= $1 } }
    /// 1 where `lhs <= rhs` element-wise, else 0 (broadcasting).
    public static func .<= (lhs: Tensor, rhs: Tensor) -> Tensor { compare(lhs, rhs) { $0 <= $1 } }
    /// 1 where `lhs == rhs` element-wise, else 0 (broadcasting).
    public static func .== (lhs: Tensor, rhs: Tensor) -> Tensor { compare(lhs, rhs) { $0 == $1 } }
    /// 1 where `lhs != rhs` element-wise, else 0 (broadcasting).
    public static func .!= (lhs: Tensor, rhs: Tensor) -> Tensor { compare(lhs, rhs) { $0 != $1 } }

    @inline(__always)
    private static func compare(_ lhs: Tensor, _ rhs: Tensor, _ holds: (Float, Float) -> Bool) -> Tensor {
        checked {
            Kernels.broadcast(lhs, rhs, to: try Broadcasting.shape(lhs.shape, rhs.shape, operation: "compare")) { holds($0, $1) ? 1 : 0 }
        }
    }

    /// Whether every element is finite (no NaN, no infinity).
    public var isFinite: Bool {
        withUnsafeBuffer { buffer in buffer.allSatisfy { $0.isFinite } }
    }
}

/// `first` where `condition` is non-zero, else `second`, broadcasting all three.
/// The gradient goes to whichever operand was selected. The operand not selected is never
/// combined arithmetically, so a NaN or infinity in the branch not taken
/// (`where(x .> 0, x.log(), zero)`) does not leak into the result.
public func `where`(_ condition: Tensor, _ first: Tensor, _ second: Tensor) -> Tensor {
    Tensor.checked {
        let shape = try Broadcasting.shape(
            try Broadcasting.shape(condition.shape, first.shape, operation: "where"), second.shape, operation: "where")
        return selecting(condition, first, second, shape: shape)
    }
}

private func selecting(_ condition: Tensor, _ first: Tensor, _ second: Tensor, shape: [Int]) -> Tensor {
    let mask = Kernels.expand(condition, to: shape)
    let whereTrue = Kernels.expand(first, to: shape), whereFalse = Kernels.expand(second, to: shape)
    let result = Tensor(uninitializedShape: shape)
    let selector = mask.storage.base, a = whereTrue.storage.base, b = whereFalse.storage.base, output = result.storage.base
    for index in 0..<result.count { output[index] = selector[index] != 0 ? a[index] : b[index] }
    return result.recorded(from: [first, second]) { gradient, needed in
        [
            needed[0] ? Kernels.sum(Kernels.zip(gradient, mask) { $1 != 0 ? $0 : 0 }, toShape: first.shape) : nil,
            needed[1] ? Kernels.sum(Kernels.zip(gradient, mask) { $1 != 0 ? 0 : $0 }, toShape: second.shape) : nil,
        ]
    }
}
