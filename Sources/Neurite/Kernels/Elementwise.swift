/// Element-wise loops over tensor buffers. They are `@inline(__always)` so that each caller's
/// closure is specialised into a tight loop the compiler can vectorise, instead of an indirect
/// call per element.
enum Kernels {
    @inline(__always)
    static func map(_ input: Tensor, _ transform: (Float) -> Float) -> Tensor {
        let result = Tensor(uninitializedShape: input.shape)
        let source = input.storage.base, destination = result.storage.base
        for index in 0..<input.count { destination[index] = transform(source[index]) }
        return result
    }

    @inline(__always)
    static func zip(_ first: Tensor, _ second: Tensor, _ combine: (Float, Float) -> Float) -> Tensor {
        precondition(first.shape == second.shape, "zip needs equal shapes, got \(first.shape) and \(second.shape)")
        let result = Tensor(uninitializedShape: first.shape)
        let a = first.storage.base, b = second.storage.base, destination = result.storage.base
        for index in 0..<first.count { destination[index] = combine(a[index], b[index]) }
        return result
    }

    /// `combine` applied to the operands broadcast to `shape` (see ``Broadcasting``).
    @inline(__always)
    static func broadcast(_ first: Tensor, _ second: Tensor, to shape: [Int], _ combine: (Float, Float) -> Float) -> Tensor {
        if first.shape == second.shape { return zip(first, second, combine) }
        let result = Tensor(uninitializedShape: shape)
        let a = first.storage.base, b = second.storage.base, destination = result.storage.base
        if second.count == 1 {
            let value = b.pointee
            for index in 0..<result.count { destination[index] = combine(a[index], value) }
            return result
        }
        forEachRow(
            of: shape,
            strides: Broadcasting.strides(of: first.shape, broadcastTo: shape),
            Broadcasting.strides(of: second.shape, broadcastTo: shape)
        ) { offset, firstOffset, secondOffset, length, firstStride, secondStride in
            for index in 0..<length {
                destination[offset + index] = combine(a[firstOffset + index * firstStride], b[secondOffset + index * secondStride])
            }
        }
        return result
    }

    static func add(_ first: Tensor, _ second: Tensor) -> Tensor { zip(first, second, +) }

    /// Sums `tensor` down to `shape`, the inverse of broadcasting: the gradient of a broadcast
    /// operand is the sum of the gradients of all the places it was read at.
    static func sum(_ tensor: Tensor, toShape shape: [Int]) -> Tensor {
        if tensor.shape == shape { return tensor.detached }
        let result = Tensor.zeros(shape)
        let source = tensor.storage.base, destination = result.storage.base
        if shape.count <= tensor.rank, shape.elementsEqual(tensor.shape.suffix(shape.count)), !shape.isEmpty {
            // Leading axes summed away (a bias's gradient): whole rows added in order, the same
            // additions as the general path below, without its stride arrays.
            let width = result.count
            for row in 0..<(width == 0 ? 0 : tensor.count / width) {
                let start = source + row * width
                for index in 0..<width { destination[index] += start[index] }
            }
            return result
        }
        let contiguous = Broadcasting.strides(of: tensor.shape, broadcastTo: tensor.shape)
        forEachRow(
            of: tensor.shape, strides: contiguous, Broadcasting.strides(of: shape, broadcastTo: tensor.shape)
        ) { offset, _, targetOffset, length, _, targetStride in
            if targetStride == 0 {
                var total: Float = 0
                for index in 0..<length { total += source[offset + index] }
                destination[targetOffset] += total
            } else {
                for index in 0..<length { destination[targetOffset + index * targetStride] += source[offset + index] }
            }
        }
        return result
    }

    /// `tensor` broadcast to `shape`, materialised.
    static func expand(_ tensor: Tensor, to shape: [Int]) -> Tensor {
        if tensor.shape == shape { return tensor.detached }
        let result = Tensor(uninitializedShape: shape)
        let source = tensor.storage.base, destination = result.storage.base
        let strides = Broadcasting.strides(of: tensor.shape, broadcastTo: shape)
        forEachRow(of: shape, strides: strides, strides) { offset, sourceOffset, _, length, sourceStride, _ in
            for index in 0..<length { destination[offset + index] = source[sourceOffset + index * sourceStride] }
        }
        return result
    }
}
