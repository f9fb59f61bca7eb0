/// Sums, means and extremes, over all elements or along one axis.
extension Tensor {
    /// The sum of all elements, as a scalar tensor.
    public func sum() -> Tensor {
        let source = storage.base
        var total: Double = 0  // Double: a float accumulator loses digits over 10⁵+ elements
        for index in 0..<count { total += Double(source[index]) }
        return Tensor(Float(total)).recorded(from: [self]) { gradient, _ in
            [Tensor.full(self.shape, gradient.scalar)]
        }
    }

    /// The mean of all elements, as a scalar tensor.
    public func mean() -> Tensor { sum() / Float(Swift.max(count, 1)) }

    /// The sum along `axis` (negative counts from the end); `keepingDimension` keeps it as size 1.
    public func sum(alongAxis axis: Int, keepingDimension: Bool = false) throws -> Tensor {
        let layout = try AxisLayout(shape: shape, axis: axis)
        let result = Kernels.sum(self, along: layout, shape: keepingDimension ? layout.keptShape : layout.droppedShape)
        return result.recorded(from: [self]) { gradient, _ in
            // Every input element contributed once, so each gets the gradient of its sum.
            let expanded = Tensor(shape: layout.keptShape, storage: gradient.storage)
            return [Kernels.expand(expanded, to: self.shape)]
        }
    }

    /// The mean along `axis`; `keepingDimension` keeps it as size 1.
    public func mean(alongAxis axis: Int, keepingDimension: Bool = false) throws -> Tensor {
        let length = try AxisLayout(shape: shape, axis: axis).length
        return try sum(alongAxis: axis, keepingDimension: keepingDimension) / Float(Swift.max(length, 1))
    }

    /// The maximum along `axis`; the gradient flows only to the (first) maximal element.
    public func max(alongAxis axis: Int, keepingDimension: Bool = false) throws -> Tensor {
        let layout = try AxisLayout(shape: shape, axis: axis)
        guard layout.length > 0 else { throw TensorError.invalidShape(shape, reason: "max over an empty axis") }
        let (values, positions) = Kernels.maximum(self, along: layout, shape: keepingDimension ? layout.keptShape : layout.droppedShape)
        return values.recorded(from: [self]) { gradient, _ in
            let result = Tensor.zeros(self.shape)
            for o in 0..<layout.outer {
                for i in 0..<layout.inner {
                    let slot = o * layout.inner + i
                    result.storage.base[(o * layout.length + positions[slot]) * layout.inner + i] = gradient.storage.base[slot]
                }
            }
            return [result]
        }
    }

    /// The largest element of the whole tensor, as a scalar tensor.
    public func max() throws -> Tensor { try reshaped([count]).max(alongAxis: 0) }

    /// The index of the largest element along `axis` (the first one on ties). Not differentiable.
    public func argmax(alongAxis axis: Int) throws -> [Int] {
        let layout = try AxisLayout(shape: shape, axis: axis)
        guard layout.length > 0 else { throw TensorError.invalidShape(shape, reason: "argmax over an empty axis") }
        return Kernels.maximum(self, along: layout, shape: layout.droppedShape).positions
    }

    /// The row-major index of the largest element of the whole tensor (the first one on ties).
    public func argmax() throws -> Int { try reshaped([count]).argmax(alongAxis: 0)[0] }
}
