/// NumPy broadcasting: shapes are aligned at their last dimension, and a dimension of size 1 (or
/// a missing one) stretches to match the other operand without copying.
enum Broadcasting {
    /// The shape both operands broadcast to.
    static func shape(_ lhs: [Int], _ rhs: [Int], operation: String) throws -> [Int] {
        let rank = max(lhs.count, rhs.count)
        let left = Array(repeating: 1, count: rank - lhs.count) + lhs
        let right = Array(repeating: 1, count: rank - rhs.count) + rhs
        return try zip(left, right).map { a, b in
            if a == b || b == 1 { return a }
            if a == 1 { return b }
            throw TensorError.shapeMismatch(operation: operation, lhs: lhs, rhs: rhs)
        }
    }

    /// Element strides of a tensor of `shape` read as if it had `target`'s shape: broadcast
    /// dimensions get stride 0, so the same element is read again.
    static func strides(of shape: [Int], broadcastTo target: [Int]) -> [Int] {
        let padded = Array(repeating: 1, count: target.count - shape.count) + shape
        var strides = Array(repeating: 0, count: target.count)
        var stride = 1
        for axis in padded.indices.reversed() {
            strides[axis] = padded[axis] == 1 && target[axis] != 1 ? 0 : stride
            stride *= padded[axis]
        }
        return strides
    }
}

/// Visits every element of a row-major `shape` in order, keeping the matching offsets into two
/// strided operands. The innermost dimension is a plain loop handed to `body`, so the
/// per-element cost is that of `body` alone.
@inline(__always)
func forEachRow(
    of shape: [Int], strides first: [Int], _ second: [Int],
    _ body: (_ offset: Int, _ firstOffset: Int, _ secondOffset: Int, _ length: Int, _ firstStride: Int, _ secondStride: Int) -> Void
) {
    let rank = shape.count
    guard rank > 0 else { body(0, 0, 0, 1, 0, 0); return }
    let count = shape.reduce(1, *)
    guard count > 0 else { return }
    let length = shape[rank - 1]
    var index = Array(repeating: 0, count: rank)
    var firstOffset = 0, secondOffset = 0
    var offset = 0
    while offset < count {
        body(offset, firstOffset, secondOffset, length, first[rank - 1], second[rank - 1])
        offset += length
        var axis = rank - 2
        while axis >= 0 {
            index[axis] += 1
            firstOffset += first[axis]
            secondOffset += second[axis]
            if index[axis] < shape[axis] { break }
            firstOffset -= first[axis] * shape[axis]
            secondOffset -= second[axis] * shape[axis]
            index[axis] = 0
            axis -= 1
        }
    }
}
