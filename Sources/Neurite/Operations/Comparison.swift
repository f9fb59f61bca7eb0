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

    /// 1 where `lhs > rhs` element-wise, else 0 (broadcasting).
    public static func .> (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        Kernels.broadcast(lhs, rhs, to: try Broadcasting.shape(lhs.shape, rhs.shape, operation: "compare")) { $0 > $1 ? 1 : 0 }
    }

    /// 1 where `lhs < rhs` element-wise, else 0 (broadcasting).
    public static func .< (lhs: Tensor, rhs: Tensor) throws -> Tensor { try rhs .> lhs }

    /// 1 where `lhs == rhs` element-wise, else 0 (broadcasting).
    public static func .== (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        Kernels.broadcast(lhs, rhs, to: try Broadcasting.shape(lhs.shape, rhs.shape, operation: "compare")) { $0 == $1 ? 1 : 0 }
    }

    /// Whether every element is finite (no NaN, no infinity).
    public var isFinite: Bool {
        withUnsafeBuffer { buffer in buffer.allSatisfy { $0.isFinite } }
    }
}

/// `first` where `condition` is non-zero, else `second`, broadcasting all three.
/// The gradient goes to whichever operand was selected.
public func `where`(_ condition: Tensor, _ first: Tensor, _ second: Tensor) throws -> Tensor {
    let shape = try Broadcasting.shape(
        try Broadcasting.shape(condition.shape, first.shape, operation: "where"), second.shape, operation: "where")
    let mask = Kernels.expand(condition, to: shape)
    let chosenFirst = try mask * first
    let chosenSecond = try (1 - mask) * second
    return try chosenFirst + chosenSecond
}
