/// Sums, means, variances and extremes, over all elements or along one axis.
///
/// An axis outside `-rank..<rank` (or an extreme over an empty axis) is reported as described in
/// ``withTensorErrors(_:)``.
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

    /// The population variance of all elements, mean((x − mean x)²), as a scalar tensor.
    public func variance() -> Tensor { (self - mean()).squared().mean() }

    /// The sum along `axis` (negative counts from the end); `keepingDimension` keeps it as size 1.
    public func sum(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        Tensor.checked {
            let layout = try AxisLayout(shape: shape, axis: axis)
            let result = Kernels.sum(self, along: layout, shape: keepingDimension ? layout.keptShape : layout.droppedShape)
            return result.recorded(from: [self]) { gradient, _ in
                // Every input element contributed once, so each gets the gradient of its sum.
                let expanded = Tensor(shape: layout.keptShape, storage: gradient.storage)
                return [Kernels.expand(expanded, to: self.shape)]
            }
        }
    }

    /// The mean along `axis`; `keepingDimension` keeps it as size 1.
    public func mean(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        let length = Tensor.checked(1) { try AxisLayout(shape: shape, axis: axis).length }
        return sum(alongAxis: axis, keepingDimension: keepingDimension) / Float(Swift.max(length, 1))
    }

    /// The population variance along `axis`, mean((x − mean x)²); `keepingDimension` keeps the
    /// axis as size 1. Differentiable: the gradient is 2(x − mean x)/n.
    public func variance(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        let deviation = self - mean(alongAxis: axis, keepingDimension: true)
        return deviation.squared().mean(alongAxis: axis, keepingDimension: keepingDimension)
    }

    /// The maximum along `axis`; the gradient flows only to the (first) maximal element.
    public func max(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        Tensor.checked {
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
    }

    /// The minimum along `axis`, −max(−x); the gradient flows only to the (first) minimal element.
    public func min(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        -(-self).max(alongAxis: axis, keepingDimension: keepingDimension)
    }

    /// The largest element of the whole tensor, as a scalar tensor.
    public func max() -> Tensor { flattenedAll.max(alongAxis: 0) }

    /// The smallest element of the whole tensor, as a scalar tensor.
    public func min() -> Tensor { flattenedAll.min(alongAxis: 0) }

    /// The index of the largest element along `axis` (the first one on ties), as a tensor of
    /// whole numbers with the axis removed (or kept as size 1). Not differentiable.
    public func argmax(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        Tensor.checked {
            let layout = try AxisLayout(shape: shape, axis: axis)
            guard layout.length > 0 else { throw TensorError.invalidShape(shape, reason: "argmax over an empty axis") }
            let positions = Kernels.maximum(self, along: layout, shape: layout.droppedShape).positions
            let shape = keepingDimension ? layout.keptShape : layout.droppedShape
            return Tensor(shape: shape, storage: TensorStorage(positions.map(Float.init)))
        }
    }

    /// The row-major index of the largest element of the whole tensor (the first one on ties), as
    /// a scalar tensor.
    public func argmax() -> Tensor { flattenedAll.argmax(alongAxis: 0) }

    /// ``argmax(alongAxis:keepingDimension:)`` as `Int`s: the predicted class of each row, ready
    /// to compare with labels.
    public func argmaxIndices(alongAxis axis: Int) -> [Int] {
        // The kernel's positions as they are: no tensor of Floats to build and convert back.
        guard let layout = try? AxisLayout(shape: shape, axis: axis), layout.length > 0 else {
            return argmax(alongAxis: axis).scalars.map { Int($0) }  // reports the bad axis as argmax does
        }
        return Kernels.maximum(self, along: layout, shape: layout.droppedShape).positions
    }

    /// All elements as one axis; shares the buffer.
    private var flattenedAll: Tensor { reshaped([count]) }
}
