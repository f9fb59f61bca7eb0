/// Reshaping, transposing and selecting rows. A shape, permutation or row that does not fit is
/// reported as described in ``withTensorErrors(_:)``.
extension Tensor {
    /// The same elements under a new shape; one dimension may be `-1` to be inferred.
    /// Shares the buffer: no element is copied.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor.checked {
            var resolved = newShape
            if let inferred = newShape.firstIndex(of: -1) {
                let known = newShape.enumerated().filter { $0.offset != inferred }.map(\.element).reduce(1, *)
                guard known > 0, count % known == 0 else {
                    throw TensorError.invalidShape(newShape, reason: "cannot hold \(count) elements of shape \(shape)")
                }
                resolved[inferred] = count / known
            }
            try Tensor.validate(resolved)
            guard resolved.reduce(1, *) == count else {
                throw TensorError.invalidShape(newShape, reason: "cannot hold \(count) elements of shape \(shape)")
            }
            return Tensor(shape: resolved, storage: storage).recorded(from: [self]) { gradient, _ in
                [Tensor(shape: self.shape, storage: gradient.storage)]
            }
        }
    }

    /// All dimensions after the first folded into one: `[n, a, b, …] → [n, a·b·…]`.
    public func flattenedBatch() -> Tensor {
        Tensor.checked {
            guard rank >= 1 else { throw TensorError.invalidShape(shape, reason: "needs a batch dimension") }
            return reshaped([shape[0], count / Swift.max(shape[0], 1)])
        }
    }

    /// The dimensions reordered: result dimension i is input dimension `axes[i]`.
    public func permuted(_ axes: [Int]) -> Tensor {
        Tensor.checked {
            guard axes.sorted() == Array(0..<rank) else {
                throw TensorError.invalidArgument("permutation \(axes) does not fit rank \(rank)")
            }
            let newShape = axes.map { shape[$0] }
            let inputStrides = Broadcasting.strides(of: shape, broadcastTo: shape)
            let permutedStrides = axes.map { inputStrides[$0] }
            let result = Tensor(uninitializedShape: newShape)
            let source = storage.base, destination = result.storage.base
            forEachRow(of: newShape, strides: permutedStrides, permutedStrides) { offset, sourceOffset, _, length, stride, _ in
                for index in 0..<length { destination[offset + index] = source[sourceOffset + index * stride] }
            }
            var inverse = axes
            for (position, axis) in axes.enumerated() { inverse[axis] = position }
            return result.recorded(from: [self]) { gradient, _ in [gradient.detached.permuted(inverse)] }
        }
    }

    /// The matrix transpose (the last two dimensions swapped).
    public func transposed() -> Tensor {
        Tensor.checked {
            guard rank >= 2 else { throw TensorError.invalidShape(shape, reason: "transpose needs rank 2 or more") }
            var axes = Array(0..<rank)
            axes.swapAt(rank - 1, rank - 2)
            return permuted(axes)
        }
    }

    /// The rows (entries of the first dimension) at `indices`, in that order: how a shuffled
    /// mini-batch is gathered. The gradient is scattered back, adding where a row repeats.
    public func rows(_ indices: [Int]) -> Tensor {
        Tensor.checked {
            guard rank >= 1 else { throw TensorError.invalidShape(shape, reason: "rows need a first dimension") }
            let rowLength = count / Swift.max(shape[0], 1)
            if let bad = indices.first(where: { $0 < 0 || $0 >= shape[0] }) {
                throw TensorError.invalidArgument("row \(bad) is outside 0..<\(shape[0])")
            }
            let result = Tensor(uninitializedShape: [indices.count] + shape.dropFirst())
            let source = storage.base, destination = result.storage.base
            Kernels.parallelGather(indices.count, rowLength: rowLength) { positions in
                Kernels.copyRows(source, rowLength: rowLength, indices: indices, positions: positions, into: destination)
            }
            return result.recorded(from: [self]) { gradient, _ in
                let scattered = Tensor.zeros(self.shape)
                for (position, row) in indices.enumerated() {
                    let destination = scattered.storage.base + row * rowLength, source = gradient.storage.base + position * rowLength
                    for index in 0..<rowLength { destination[index] += source[index] }
                }
                return [scattered]
            }
        }
    }

    /// The rows in `range`.
    public func rows(_ range: Range<Int>) -> Tensor { rows(Array(range)) }
}
