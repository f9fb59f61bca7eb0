/// Slicing with Swift's own range syntax: `x[..., 0]` is the first column, `x[1..<3]` two rows,
/// `x[stride(from: 0, to: 10, by: 2)]` every other row, `x[..., stride(from: 4, through: 0, by: -1)]`
/// the first five columns reversed.
///
/// Each position in the subscript selects along one axis, from the first; axes not mentioned are
/// kept whole. An `Int` picks one entry and removes the axis (negative counts from the end); a
/// range or stride keeps the axis. A subscript of `Int`s alone still reads one element as a
/// `Float` (`x[1, 2]`); mix in a range or `...` to get a tensor. Slices are differentiable: the
/// gradient is scattered back to the selected positions.
///
/// A position outside the axis is reported as described in ``withTensorErrors(_:)``.
extension Tensor {
    /// The slice selected by `indices`, one per leading axis.
    public subscript(_ indices: any TensorIndex...) -> Tensor { slice(indices.map { $0 }) }

    /// Every entry of the first axis, then `rest`: `x[..., 0]` is the first column.
    public subscript(_: UnboundedRange, _ rest: any TensorIndex...) -> Tensor { slice([nil] + rest.map { $0 }) }

    /// Every entry of the first two axes, then `rest`.
    public subscript(_: UnboundedRange, _: UnboundedRange, _ rest: any TensorIndex...) -> Tensor {
        slice([nil, nil] + rest.map { $0 })
    }

    /// `first` on the first axis, every entry of the second, then `rest`.
    public subscript(_ first: any TensorIndex, _: UnboundedRange, _ rest: any TensorIndex...) -> Tensor {
        slice([first, nil] + rest.map { $0 })
    }

    /// The slice selected by `indices`; `nil` keeps an axis whole.
    func slice(_ indices: [(any TensorIndex)?]) -> Tensor {
        Tensor.checked {
            guard indices.count <= rank else {
                throw TensorError.invalidArgument("\(indices.count) indices for a tensor of shape \(shape)")
            }
            let contiguous = Broadcasting.strides(of: shape, broadcastTo: shape)
            var base = 0, resultShape: [Int] = [], blockShape: [Int] = [], viewStrides: [Int] = []
            for axis in 0..<rank {
                let selection = try indices.count > axis ? indices[axis]?.selection(alongAxisOfSize: shape[axis]) : nil
                let chosen = selection ?? AxisSelection(start: 0, step: 1, count: shape[axis], keepsAxis: true)
                guard chosen.count == 0 || chosen.isInside(shape[axis]) else {
                    throw TensorError.invalidArgument("index out of range for axis \(axis) of shape \(shape)")
                }
                base += chosen.start * contiguous[axis]
                blockShape.append(chosen.count)
                viewStrides.append(chosen.step * contiguous[axis])
                if chosen.keepsAxis { resultShape.append(chosen.count) }
            }
            let result = Tensor(uninitializedShape: resultShape)
            Kernels.stridedCopy(
                view: storage.base, base: base, strides: viewStrides, shape: blockShape, block: result.storage.base, toView: false)
            return result.recorded(from: [self]) { gradient, _ in
                let scattered = Tensor.zeros(self.shape)
                Kernels.stridedCopy(
                    view: scattered.storage.base, base: base, strides: viewStrides, shape: blockShape,
                    block: gradient.storage.base, toView: true)
                return [scattered]
            }
        }
    }
}

/// What one position of a tensor subscript selects along its axis: `Int`, the range types and
/// `stride(from:to:by:)` / `stride(from:through:by:)` conform.
public protocol TensorIndex {
    /// The entries selected along an axis of `size`.
    /// - Throws: ``TensorError/invalidArgument(_:)`` for a position outside the axis.
    func selection(alongAxisOfSize size: Int) throws -> AxisSelection
}

/// Entries `start`, `start + step`, … (`count` of them) of one axis.
public struct AxisSelection: Sendable, Equatable {
    /// The first entry selected.
    public let start: Int
    /// The distance between selected entries; negative to go backwards.
    public let step: Int
    /// How many entries are selected.
    public let count: Int
    /// Whether the axis stays in the result (a range) or is removed (a single `Int`).
    public let keepsAxis: Bool

    /// A selection of `count` entries from `start` in steps of `step`.
    public init(start: Int, step: Int, count: Int, keepsAxis: Bool) {
        (self.start, self.step, self.count, self.keepsAxis) = (start, step, count, keepsAxis)
    }

    func isInside(_ size: Int) -> Bool {
        let last = start + (count - 1) * step
        return (0..<size).contains(start) && (0..<size).contains(last)
    }

    /// The positions of `range` (in bounds) as a selection that keeps the axis.
    static func contiguous(_ range: Range<Int>, size: Int) throws -> AxisSelection {
        guard range.lowerBound >= 0, range.upperBound <= size else {
            throw TensorError.invalidArgument("range \(range) is outside 0..<\(size)")
        }
        return AxisSelection(start: range.lowerBound, step: 1, count: range.count, keepsAxis: true)
    }

    /// Evenly spaced positions, as produced by a `stride`.
    static func evenlySpaced(_ positions: [Int], size: Int) throws -> AxisSelection {
        guard let first = positions.first else { return AxisSelection(start: 0, step: 1, count: 0, keepsAxis: true) }
        let step = positions.count > 1 ? positions[1] - positions[0] : 1
        let selection = AxisSelection(start: first, step: step, count: positions.count, keepsAxis: true)
        guard selection.isInside(size) else { throw TensorError.invalidArgument("stride \(positions) is outside 0..<\(size)") }
        return selection
    }
}

extension Int: TensorIndex {
    /// One entry; negative counts from the end (`-1` is the last).
    public func selection(alongAxisOfSize size: Int) throws -> AxisSelection {
        let position = self < 0 ? self + size : self
        guard (0..<size).contains(position) else { throw TensorError.invalidArgument("index \(self) is outside 0..<\(size)") }
        return AxisSelection(start: position, step: 1, count: 1, keepsAxis: false)
    }
}

extension Range<Int>: TensorIndex {
    /// The entries of the range.
    public func selection(alongAxisOfSize size: Int) throws -> AxisSelection { try .contiguous(self, size: size) }
}

extension ClosedRange<Int>: TensorIndex {
    /// The entries of the range, both ends included.
    public func selection(alongAxisOfSize size: Int) throws -> AxisSelection {
        try .contiguous(lowerBound..<(upperBound + 1), size: size)
    }
}

extension PartialRangeFrom<Int>: TensorIndex {
    /// The entries from `lowerBound` to the end.
    public func selection(alongAxisOfSize size: Int) throws -> AxisSelection {
        try .contiguous(lowerBound..<Swift.max(lowerBound, size), size: size)
    }
}

extension PartialRangeUpTo<Int>: TensorIndex {
    /// The entries before `upperBound`.
    public func selection(alongAxisOfSize size: Int) throws -> AxisSelection { try .contiguous(0..<upperBound, size: size) }
}

extension PartialRangeThrough<Int>: TensorIndex {
    /// The entries up to and including `upperBound`.
    public func selection(alongAxisOfSize size: Int) throws -> AxisSelection { try .contiguous(0..<(upperBound + 1), size: size) }
}

extension StrideTo<Int>: TensorIndex {
    /// The entries the stride visits.
    public func selection(alongAxisOfSize size: Int) throws -> AxisSelection { try .evenlySpaced(Array(self), size: size) }
}

extension StrideThrough<Int>: TensorIndex {
    /// The entries the stride visits.
    public func selection(alongAxisOfSize size: Int) throws -> AxisSelection { try .evenlySpaced(Array(self), size: size) }
}
