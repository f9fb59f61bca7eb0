/// Joining tensors along an axis and splitting them apart again, all differentiable.
///
/// Shapes that do not fit (different sizes off the axis, sizes that do not add up) are reported
/// as described in ``withTensorErrors(_:)``.
extension Array where Element == Tensor {
    /// The tensors joined end to end along `axis`; their other dimensions must be equal.
    /// `[a, b].concatenated(alongAxis: 1)` puts the columns of `b` after those of `a`.
    public func concatenated(alongAxis axis: Int = 0) -> Tensor {
        Tensor.checked {
            guard let first else { throw TensorError.invalidArgument("concatenated needs at least one tensor") }
            let resolved = axis < 0 ? axis + first.rank : axis
            guard (0..<first.rank).contains(resolved) else { throw TensorError.invalidAxis(axis, rank: first.rank) }
            func offAxis(_ shape: [Int]) -> [Int] { shape.enumerated().map { $0.offset == resolved ? 0 : $0.element } }
            for tensor in self {
                guard tensor.rank == first.rank, offAxis(tensor.shape) == offAxis(first.shape) else {
                    throw TensorError.shapeMismatch(operation: "concatenated(alongAxis: \(axis))", lhs: first.shape, rhs: tensor.shape)
                }
            }
            var shape = first.shape
            shape[resolved] = reduce(0) { $0 + $1.shape[resolved] }
            let result = Tensor.zeros(shape)
            let strides = Broadcasting.strides(of: shape, broadcastTo: shape)
            var offsets: [Int] = []
            var position = 0
            for tensor in self {
                offsets.append(position)
                Kernels.stridedCopy(
                    view: result.storage.base, base: position * strides[resolved], strides: strides, shape: tensor.shape,
                    block: tensor.storage.base, toView: true)
                position += tensor.shape[resolved]
            }
            let parts = self
            return result.recorded(from: parts) { gradient, needed in
                zip(parts, offsets).enumerated().map { index, element in
                    guard needed[index] else { return nil }
                    let (part, offset) = element
                    let slab = Tensor(uninitializedShape: part.shape)
                    Kernels.stridedCopy(
                        view: gradient.storage.base, base: offset * strides[resolved], strides: strides, shape: part.shape,
                        block: slab.storage.base, toView: false)
                    return slab
                }
            }
        }
    }

    /// The tensors, all of one shape, stacked along a new axis at `axis`: n tensors of shape
    /// `[a, b]` stacked along 0 give `[n, a, b]`.
    public func stacked(alongAxis axis: Int = 0) -> Tensor {
        Tensor.checked {
            guard let first else { throw TensorError.invalidArgument("stacked needs at least one tensor") }
            let resolved = axis < 0 ? axis + first.rank + 1 : axis
            guard (0...first.rank).contains(resolved) else { throw TensorError.invalidAxis(axis, rank: first.rank + 1) }
            for tensor in self where tensor.shape != first.shape {
                throw TensorError.shapeMismatch(operation: "stacked", lhs: first.shape, rhs: tensor.shape)
            }
            var shape = first.shape
            shape.insert(1, at: resolved)
            return map { $0.reshaped(shape) }.concatenated(alongAxis: resolved)
        }
    }
}

extension Tensor {
    /// Consecutive pieces along `axis` of the given sizes, which must add up to the axis's size.
    public func split(sizes: [Int], alongAxis axis: Int = 0) -> [Tensor] {
        Tensor.checked([]) {
            let resolved = axis < 0 ? axis + rank : axis
            guard (0..<rank).contains(resolved) else { throw TensorError.invalidAxis(axis, rank: rank) }
            guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == shape[resolved] else {
                throw TensorError.invalidArgument("split sizes \(sizes) do not add up to \(shape[resolved]), axis \(axis) of \(shape)")
            }
            var start = 0
            return sizes.map { size in
                defer { start += size }
                return slice(Array(repeating: nil, count: resolved) + [start..<(start + size)])
            }
        }
    }

    /// `count` pieces of equal size along `axis`, which must divide evenly.
    public func split(into count: Int, alongAxis axis: Int = 0) -> [Tensor] {
        Tensor.checked([]) {
            let resolved = axis < 0 ? axis + rank : axis
            guard (0..<rank).contains(resolved) else { throw TensorError.invalidAxis(axis, rank: rank) }
            guard count > 0, shape[resolved] % count == 0 else {
                throw TensorError.invalidArgument("axis \(axis) of \(shape) does not split into \(count) equal pieces")
            }
            return split(sizes: Array(repeating: shape[resolved] / count, count: count), alongAxis: resolved)
        }
    }
}
