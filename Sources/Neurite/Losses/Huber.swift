/// The Huber loss with threshold δ, averaged over all elements (PyTorch's `HuberLoss(delta:)`):
/// for d = prediction − target, ½d² where |d| < δ, else δ·(|d| − ½δ).
///
/// Squared error near the target (smooth, so steps shrink as the fit improves) and absolute error
/// beyond δ (so outliers pull with a bounded force δ). Its gradient is d/n inside, δ·sign(d)/n outside.
/// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` unless the shapes are equal,
///   ``TensorError/invalidArgument(_:)`` unless δ > 0.
public func huberLoss(predictions: Tensor, targets: Tensor, delta: Float = 1) throws -> Tensor {
    guard predictions.shape == targets.shape else {
        throw TensorError.shapeMismatch(operation: "huberLoss", lhs: predictions.shape, rhs: targets.shape)
    }
    guard delta > 0, delta.isFinite else { throw TensorError.invalidArgument("huberLoss: delta \(delta) must be positive") }
    let difference = (predictions - targets).detached
    var total: Double = 0
    difference.withUnsafeBuffer { values in
        for d in values { total += Double(abs(d) < delta ? 0.5 * d * d : delta * (abs(d) - 0.5 * delta)) }
    }
    let n = Float(max(difference.count, 1))
    return Tensor(Float(total) / n).recorded(from: [predictions, targets]) { gradient, needed in
        let scale = gradient.scalar / n
        let slope = Kernels.map(difference) { d in (abs(d) < delta ? d : (d > 0 ? delta : -delta)) * scale }
        return [slope, needed[1] ? Kernels.map(slope, -) : nil]
    }
}
