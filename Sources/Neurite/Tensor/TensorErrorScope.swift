/// How a shape mistake in tensor arithmetic reaches the caller.
///
/// Operators and other shape-checked operations (`+`, `matmul`, `reshaped`, `sum(alongAxis:)`, …)
/// do not throw, so formulas read like math: `relu(x + second(first(x)))`. What happens when the
/// shapes do not fit depends on where the operation runs, as in MLX Swift:
///
/// - Inside ``withTensorErrors(_:)`` (and inside ``valueWithGradient(of:_:)``, which opens such a
///   scope), the first error is recorded, the operation returns an empty placeholder tensor, and
///   the scope throws that error when its body ends: the ``TensorError`` names the operation and
///   both shapes.
/// - Outside any scope, the mismatch is a programmer error and stops the program with a
///   precondition failure naming the operation and both shapes — like an array index out of range.
///
/// Outside input never takes the second path in Neurite's own code: layers check their input's
/// shape and throw, architectures given as text are shape-inferred when built, and data files are
/// validated when loaded, so the arithmetic that runs afterwards cannot meet a bad shape.
final class TensorErrorScope: @unchecked Sendable {
    @TaskLocal static var current: TensorErrorScope?

    /// The first error recorded in this scope; later ones are usually consequences of it.
    private(set) var firstError: TensorError?

    func record(_ error: TensorError) {
        if firstError == nil { firstError = error }
    }
}

/// Runs `body`, turning a shape error of any tensor operation inside it into a thrown error.
///
/// ```swift
/// let sum = try withTensorErrors { a + b }   // throws TensorError.shapeMismatch for [2] + [3]
/// ```
/// An operation that fails inside the scope returns an empty tensor of shape `[0]`, so the code
/// after it runs on (cheaply) until the body ends; then the first error is thrown, in preference
/// to whatever error that placeholder caused later.
/// - Throws: the first ``TensorError`` recorded in `body`, or what `body` throws.
public func withTensorErrors<R>(_ body: () throws -> R) throws -> R {
    if TensorErrorScope.current != nil { return try body() }  // an enclosing scope reports
    let scope = TensorErrorScope()
    let result: R
    do {
        result = try TensorErrorScope.$current.withValue(scope, operation: body)
    } catch {
        throw scope.firstError ?? error
    }
    if let error = scope.firstError { throw error }
    return result
}

extension Tensor {
    /// The result of `operation`, or, when it throws a ``TensorError``, that error reported to the
    /// enclosing ``withTensorErrors(_:)`` scope (and a `[0]` placeholder returned), or a
    /// precondition failure outside any scope.
    @inline(__always)
    static func checked<Result>(_ placeholder: @autoclosure () -> Result, _ operation: () throws -> Result) -> Result {
        do {
            return try operation()
        } catch {
            let tensorError = error as? TensorError ?? .invalidArgument("\(error)")
            guard let scope = TensorErrorScope.current else { preconditionFailure(tensorError.description) }
            scope.record(tensorError)
            return placeholder()
        }
    }

    /// `checked` for operations that return a tensor.
    @inline(__always)
    static func checked(_ operation: () throws -> Tensor) -> Tensor {
        checked(Tensor.zeros([0]), operation)
    }
}
