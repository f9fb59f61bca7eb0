/// Mean of (prediction − target)² over all elements: the loss for regression heads.
/// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` unless the shapes are equal.
public func meanSquaredError(predictions: Tensor, targets: Tensor) throws -> Tensor {
    guard predictions.shape == targets.shape else {
        throw TensorError.shapeMismatch(operation: "meanSquaredError", lhs: predictions.shape, rhs: targets.shape)
    }
    return (predictions - targets).squared().mean()
}
