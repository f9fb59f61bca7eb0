/// Reductions along one axis. A tensor reduced along `axis` is viewed as `[outer, length, inner]`:
/// `outer` is the product of the dimensions before the axis, `inner` of those after it, so one
/// loop nest serves every axis of every rank without copying.
struct AxisLayout {
    let outer: Int
    let length: Int
    let inner: Int
    /// The input's shape with the reduced axis kept as 1 (so it broadcasts back).
    let keptShape: [Int]
    /// The input's shape with the reduced axis removed.
    let droppedShape: [Int]

    init(shape: [Int], axis: Int) throws {
        let rank = shape.count
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0, resolved < rank else { throw TensorError.invalidAxis(axis, rank: rank) }
        outer = shape[..<resolved].reduce(1, *)
        length = shape[resolved]
        inner = shape[(resolved + 1)...].reduce(1, *)
        var kept = shape
        kept[resolved] = 1
        keptShape = kept
        var dropped = shape
        dropped.remove(at: resolved)
        droppedShape = dropped
    }
}

extension Kernels {
    /// Σ over the axis: result[o, i] = Σₖ input[o, k, i].
    static func sum(_ input: Tensor, along layout: AxisLayout, shape: [Int]) -> Tensor {
        let result = Tensor.zeros(shape)
        let source = input.storage.base, destination = result.storage.base
        for o in 0..<layout.outer {
            let row = destination + o * layout.inner
            for k in 0..<layout.length {
                let slice = source + (o * layout.length + k) * layout.inner
                for i in 0..<layout.inner { row[i] += slice[i] }
            }
        }
        return result
    }

    /// The maximum over the axis and, for each result element, the position k where it was found
    /// (the first one on ties), which is where the gradient of a maximum goes.
    static func maximum(_ input: Tensor, along layout: AxisLayout, shape: [Int]) -> (values: Tensor, positions: [Int]) {
        let result = Tensor.full(shape, -.infinity)
        var positions = Array(repeating: 0, count: result.count)
        let source = input.storage.base, destination = result.storage.base
        // Through a buffer pointer: an array write in the inner loop checks uniqueness every time.
        positions.withUnsafeMutableBufferPointer { positions in
            if layout.inner == 1 && layout.length > 0 {  // rows along memory (a classifier's argmax): one scan per row
                for o in 0..<layout.outer {
                    let row = source + o * layout.length
                    var position = 0, largest = row[0]  // in a register, not reloaded per element
                    for k in 1..<layout.length where row[k] > largest { (position, largest) = (k, row[k]) }
                    (destination[o], positions[o]) = (largest, position)
                }
                return
            }
            for o in 0..<layout.outer {
                for k in 0..<layout.length {
                    let slice = source + (o * layout.length + k) * layout.inner
                    for i in 0..<layout.inner where slice[i] > destination[o * layout.inner + i] || (k == 0) {
                        destination[o * layout.inner + i] = slice[i]
                        positions[o * layout.inner + i] = k
                    }
                }
            }
        }
        return (result, positions)
    }
}
