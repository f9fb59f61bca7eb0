/// The buffer behind a ``Tensor``: a fixed-size, 64-byte-aligned block of `Float`s.
///
/// Tensors share a storage until one of them is written to (copy-on-write), so passing a
/// tensor around or reshaping it never copies the numbers. Alignment to a cache line lets the
/// SIMD kernels use aligned loads on the first element.
final class TensorStorage: @unchecked Sendable {
    let count: Int
    let base: UnsafeMutablePointer<Float>

    init(uninitializedCount count: Int) {
        self.count = count
        self.base = BufferPool.shared.take(count)
    }

    convenience init(repeating value: Float, count: Int) {
        self.init(uninitializedCount: count)
        base.update(repeating: value, count: count)
    }

    convenience init<C: Collection>(_ values: C) where C.Element == Float {
        self.init(uninitializedCount: values.count)
        var pointer = base
        for value in values {
            pointer.pointee = value
            pointer += 1
        }
    }

    func copy() -> TensorStorage {
        let result = TensorStorage(uninitializedCount: count)
        result.base.update(from: base, count: count)
        return result
    }

    var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: base, count: count) }

    deinit { BufferPool.shared.give(base, count: count) }
}
