/// Mean of |prediction − target| over all elements: regression that is less swayed by outliers
/// than ``meanSquaredError(predictions:targets:)``, because a large error costs in proportion,
/// not squared. Its gradient is sign(prediction − target)/n (0 where they are equal, as in PyTorch).
/// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` unless the shapes are equal.
public func meanAbsoluteError(predictions: Tensor, targets: Tensor) throws -> Tensor {
    guard predictions.shape == targets.shape else {
        throw TensorError.shapeMismatch(operation: "meanAbsoluteError", lhs: predictions.shape, rhs: targets.shape)
    }
    return (predictions - targets).absolute().mean()
}
