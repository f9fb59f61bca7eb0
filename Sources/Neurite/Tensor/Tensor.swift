/// An n-dimensional array of `Float` with value semantics, the unit every layer, loss and
/// optimizer works on.
///
/// Copies are cheap: tensors share their buffer until one of them is written to
/// (copy-on-write). Elements are stored contiguously in row-major order.
///
/// A tensor may also carry a node of the autograd graph: operations on tracked tensors record
/// how to compute their gradients (see ``valueWithGradient(at:of:)``). Ordinary tensors carry
/// none, and operations on them record nothing.
public struct Tensor: @unchecked Sendable {
    /// The size of each dimension, outermost first. A scalar has shape `[]`.
    public private(set) var shape: [Int]
    var storage: TensorStorage
    var node: GradientNode?

    init(shape: [Int], storage: TensorStorage, node: GradientNode? = nil) {
        precondition(shape.reduce(1, *) == storage.count, "shape \(shape) does not fit \(storage.count) elements")
        self.shape = shape
        self.storage = storage
        self.node = node
    }

    /// A tensor of the given shape holding `scalars` in row-major order.
    /// - Throws: ``TensorError/invalidShape(_:reason:)`` when the shape has a negative
    ///   dimension or its element count differs from `scalars.count`.
    public init(shape: [Int], scalars: [Float]) throws {
        try Tensor.validate(shape)
        let count = shape.reduce(1, *)
        guard count == scalars.count else {
            throw TensorError.invalidShape(shape, reason: "needs \(count) elements, got \(scalars.count)")
        }
        self.init(shape: shape, storage: TensorStorage(scalars))
    }

    /// A one-dimensional tensor of `scalars`.
    public init(_ scalars: [Float]) {
        self.init(shape: [scalars.count], storage: TensorStorage(scalars))
    }

    /// A two-dimensional tensor from rows of equal length.
    /// - Throws: ``TensorError/invalidShape(_:reason:)`` when the rows differ in length.
    public init(rows: [[Float]]) throws {
        let columns = rows.first?.count ?? 0
        guard rows.allSatisfy({ $0.count == columns }) else {
            throw TensorError.invalidShape([rows.count, columns], reason: "rows have different lengths")
        }
        self.init(shape: [rows.count, columns], storage: TensorStorage(rows.joined()))
    }

    /// A scalar (rank-0) tensor.
    public init(_ scalar: Float) {
        self.init(shape: [], storage: TensorStorage(repeating: scalar, count: 1))
    }

    /// A tensor of uninitialized elements: only for kernels that overwrite every element.
    init(uninitializedShape shape: [Int]) {
        self.init(shape: shape, storage: TensorStorage(uninitializedCount: shape.reduce(1, *)))
    }

    /// The number of dimensions.
    public var rank: Int { shape.count }
    /// The number of elements.
    public var count: Int { storage.count }

    /// The elements in row-major order.
    public var scalars: [Float] { Array(storage.buffer) }

    /// The value of a tensor holding exactly one element.
    public var scalar: Float {
        precondition(count == 1, "scalar needs a one-element tensor, shape is \(shape)")
        return storage.base.pointee
    }

    /// Reads or writes one element by its full index.
    public subscript(index: Int...) -> Float {
        get { storage.base[flatIndex(index)] }
        set {
            let offset = flatIndex(index)
            makeUnique()
            storage.base[offset] = newValue
        }
    }

    private func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == rank, "index \(index) does not match shape \(shape)")
        var offset = 0
        for (position, dimension) in zip(index, shape) {
            precondition(position >= 0 && position < dimension, "index \(index) out of range for shape \(shape)")
            offset = offset * dimension + position
        }
        return offset
    }

    /// Copies the buffer if another tensor shares it, so that writing cannot change that tensor.
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    /// Read access to the elements for kernels.
    func withUnsafeBuffer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(storage.buffer))
    }

    /// Write access to the elements for kernels; copies first if the buffer is shared.
    mutating func withUnsafeMutableBuffer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        makeUnique()
        return try body(storage.buffer)
    }

    /// The same numbers, detached from the autograd graph: gradients do not flow through it.
    public var detached: Tensor { Tensor(shape: shape, storage: storage) }

    /// Whether operations on this tensor are being recorded for differentiation.
    public var isTracked: Bool { node != nil }

    static func validate(_ shape: [Int]) throws {
        if shape.contains(where: { $0 < 0 }) {
            throw TensorError.invalidShape(shape, reason: "dimensions must not be negative")
        }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = storage.buffer.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(preview)\(count > 8 ? ", …" : "")])"
    }
}

extension Tensor: Equatable {
    /// Equal shapes and equal elements; the autograd record is not compared.
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        lhs.shape == rhs.shape && (lhs.storage === rhs.storage || lhs.storage.buffer.elementsEqual(rhs.storage.buffer))
    }
}
