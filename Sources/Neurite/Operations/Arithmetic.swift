/// Element-wise arithmetic with NumPy broadcasting. Each operation's gradient sits next to its
/// forward computation; broadcast operands get their gradient summed back to their own shape.
///
/// The operators do not throw: shapes that cannot broadcast are reported as described in
/// ``withTensorErrors(_:)`` (a thrown error inside a scope, a precondition failure outside).
extension Tensor {
    /// Sum element by element, with broadcasting.
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        checked {
            let shape = try Broadcasting.shape(lhs.shape, rhs.shape, operation: "add")
            return Kernels.broadcast(lhs, rhs, to: shape, +).recorded(from: [lhs, rhs]) { gradient, _ in
                [Kernels.sum(gradient, toShape: lhs.shape), Kernels.sum(gradient, toShape: rhs.shape)]
            }
        }
    }

    /// Difference element by element, with broadcasting.
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
        checked {
            let shape = try Broadcasting.shape(lhs.shape, rhs.shape, operation: "subtract")
            return Kernels.broadcast(lhs, rhs, to: shape, -).recorded(from: [lhs, rhs]) { gradient, needed in
                [Kernels.sum(gradient, toShape: lhs.shape), needed[1] ? Kernels.sum(Kernels.map(gradient, -), toShape: rhs.shape) : nil]
            }
        }
    }

    /// Product element by element, with broadcasting.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
        checked {
            let shape = try Broadcasting.shape(lhs.shape, rhs.shape, operation: "multiply")
            return Kernels.broadcast(lhs, rhs, to: shape, *).recorded(from: [lhs, rhs]) { gradient, needed in
                [
                    needed[0] ? Kernels.sum(Kernels.broadcast(gradient, rhs, to: shape, *), toShape: lhs.shape) : nil,
                    needed[1] ? Kernels.sum(Kernels.broadcast(gradient, lhs, to: shape, *), toShape: rhs.shape) : nil,
                ]
            }
        }
    }

    /// Quotient element by element, with broadcasting.
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor {
        checked {
            let shape = try Broadcasting.shape(lhs.shape, rhs.shape, operation: "divide")
            return Kernels.broadcast(lhs, rhs, to: shape, /).recorded(from: [lhs, rhs]) { gradient, needed in
                // d(a/b)/da = 1/b,  d(a/b)/db = -a/b²
                [
                    needed[0] ? Kernels.sum(Kernels.broadcast(gradient, rhs, to: shape, /), toShape: lhs.shape) : nil,
                    needed[1]
                        ? Kernels.sum(
                            Kernels.broadcast(
                                Kernels.broadcast(gradient, lhs, to: shape, *), Kernels.map(rhs) { $0 * $0 }, to: shape
                            ) { -$0 / $1 },
                            toShape: rhs.shape)
                        : nil,
                ]
            }
        }
    }

    /// Element-wise negation.
    public static prefix func - (operand: Tensor) -> Tensor {
        Kernels.map(operand, -).recorded(from: [operand]) { gradient, _ in [Kernels.map(gradient, -)] }
    }

    // Scalars broadcast to every element, so these never fail.
    /// Sum element by element with a scalar.
    public static func + (lhs: Tensor, rhs: Float) -> Tensor {
        Kernels.map(lhs) { $0 + rhs }.recorded(from: [lhs]) { gradient, _ in [gradient] }
    }

    /// Difference element by element with a scalar.
    public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs + -rhs }

    /// Product element by element with a scalar.
    public static func * (lhs: Tensor, rhs: Float) -> Tensor {
        Kernels.map(lhs) { $0 * rhs }.recorded(from: [lhs]) { gradient, _ in [Kernels.map(gradient) { $0 * rhs }] }
    }

    /// Quotient element by element with a scalar.
    public static func / (lhs: Tensor, rhs: Float) -> Tensor { lhs * (1 / rhs) }
    /// Sum element by element with a scalar.
    public static func + (lhs: Float, rhs: Tensor) -> Tensor { rhs + lhs }
    /// Difference element by element with a scalar.
    public static func - (lhs: Float, rhs: Tensor) -> Tensor { -rhs + lhs }
    /// Product element by element with a scalar.
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs * lhs }

    /// Quotient element by element with a scalar.
    public static func / (lhs: Float, rhs: Tensor) -> Tensor {
        Kernels.map(rhs) { lhs / $0 }.recorded(from: [rhs]) { gradient, _ in
            [Kernels.zip(gradient, rhs) { g, x in -g * lhs / (x * x) }]
        }
    }
}
