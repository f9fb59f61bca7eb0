/// Array literals for tensors: `[1, 2, 3] as Tensor` is a vector, `[[1, 2], [3, 4]] as Tensor` a
/// 2×2 matrix, and deeper nesting gives higher ranks.
///
/// The elements are ``TensorLiteral`` values rather than tensors, so that `Tensor` itself is not
/// expressible by a number literal: `x + 1` keeps meaning "add the `Float` 1", with no ambiguity
/// between the scalar and the tensor overloads of `+`. A literal is source code, so rows of
/// different lengths are a programmer error (a precondition failure naming the shapes).
extension Tensor: ExpressibleByArrayLiteral {
    /// A tensor from nested array literals; the nesting depth is the rank.
    public init(arrayLiteral elements: TensorLiteral...) {
        let literal = TensorLiteral(arrayLiteral: elements)
        self.init(shape: literal.shape, storage: TensorStorage(literal.scalars))
    }
}

/// One element of a tensor array literal: a number, or a nested list of elements.
public struct TensorLiteral: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, Sendable {
    /// The shape of this element: `[]` for a number.
    let shape: [Int]
    /// The numbers in row-major order.
    let scalars: [Float]

    /// A number given as an integer literal.
    public init(integerLiteral value: Int) {
        shape = []
        scalars = [Float(value)]
    }

    /// A number given as a floating-point literal.
    public init(floatLiteral value: Double) {
        shape = []
        scalars = [Float(value)]
    }

    /// A nested list; every entry must have the same shape.
    public init(arrayLiteral elements: TensorLiteral...) {
        self.init(arrayLiteral: elements)
    }

    init(arrayLiteral elements: [TensorLiteral]) {
        let inner = elements.first?.shape ?? []
        for element in elements {
            precondition(element.shape == inner, "tensor literal rows differ in shape: \(inner) and \(element.shape)")
        }
        shape = [elements.count] + inner
        scalars = elements.flatMap(\.scalars)
    }
}
