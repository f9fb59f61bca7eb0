import Foundation

/// Softmax cross-entropy from logits, averaged over the batch: the multiclass loss.
///
/// For a row z with label c: −log softmax(z)_c = log Σⱼ e^(zⱼ−m) − (z_c − m) with m = max z
/// (log-sum-exp: no exponent overflows). Softmax and the logarithm are fused, so the gradient
/// with respect to the logits is (softmax(z) − onehot(c))/n, computed in the same pass.
///
/// Label smoothing ε replaces the one-hot target by q = (1−ε)·onehot(c) + ε/classes (PyTorch's
/// `label_smoothing`): the loss gains ε/classes·Σⱼ −log softmax(z)ⱼ, which stops the logits from
/// growing without bound to make one probability exactly 1, and the gradient becomes (softmax − q)/n.
///
/// - Parameters:
///   - logits: `[n, classes]`, unnormalised scores (no softmax on the model's last layer).
///   - labels: n class indices in `0..<classes`.
///   - labelSmoothing: ε in `[0, 1]`; 0 is the plain loss.
/// - Throws: ``TensorError`` when the shapes disagree, a label is out of range or ε is outside [0, 1].
public func crossEntropy(logits: Tensor, labels: [Int], labelSmoothing: Float = 0) throws -> Tensor {
    guard logits.rank == 2, logits.shape[0] == labels.count else {
        throw TensorError.shapeMismatch(operation: "crossEntropy", lhs: logits.shape, rhs: [labels.count])
    }
    let rows = logits.shape[0], classes = logits.shape[1]
    if let bad = labels.first(where: { $0 < 0 || $0 >= classes }) {
        throw TensorError.invalidArgument("crossEntropy: label \(bad) is outside 0..<\(classes)")
    }
    guard (0...1).contains(labelSmoothing) else {
        throw TensorError.invalidArgument("crossEntropy: label smoothing \(labelSmoothing) is outside [0, 1]")
    }
    // −log softmax(z)_c = lse − z_c with lse = log Σⱼ e^(zⱼ): the probabilities, which the
    // gradient needs, and each row's lse come from one pass.
    let softmax = Kernels.softmaxRows(logits, rows: rows, columns: classes), probabilities = softmax.probabilities
    let onLabel = 1 - labelSmoothing, everywhere = labelSmoothing / Float(max(classes, 1))
    let z = logits.storage.base
    // With smoothing, Σⱼ log pⱼ of a row = Σⱼ zⱼ − classes · lse: Σ z first, then each row's lse
    // taken off in the same pass as the loss, so no row's lse is kept in an array.
    var total: Double = 0, sumOfAll: Double = 0
    if labelSmoothing > 0 { for index in 0..<logits.count { sumOfAll += Double(z[index]) } }
    for (row, label) in labels.enumerated() {
        let logSumExp = softmax.logSumExp(row)
        total += Double(logSumExp) - Double(z[row * classes + label])
        if labelSmoothing > 0 { sumOfAll -= Double(classes) * Double(logSumExp) }
    }
    if labelSmoothing > 0 { total = Double(onLabel) * total - Double(everywhere) * sumOfAll }
    let n = Float(max(rows, 1))
    return Tensor(Float(total) / n).recorded(from: [logits]) { gradient, _ in
        let scale = gradient.scalar / n
        let uniform = everywhere * scale, labelled = onLabel * scale
        // With ε = 0 this is p·scale − 0 and −1·scale: bit for bit the unsmoothed gradient.
        let result = Kernels.map(probabilities) { $0 * scale - uniform }
        for (row, label) in labels.enumerated() { result.storage.base[row * classes + label] -= labelled }
        return [result]
    }
}

/// Softmax cross-entropy against target distributions (one-hot or soft labels), `[n, classes]`:
/// −mean over rows of Σⱼ yⱼ log softmax(z)ⱼ.
public func crossEntropy(logits: Tensor, probabilities targets: Tensor) throws -> Tensor {
    guard logits.rank == 2, logits.shape == targets.shape else {
        throw TensorError.shapeMismatch(operation: "crossEntropy", lhs: logits.shape, rhs: targets.shape)
    }
    let perRow = (targets * logSoftmax(logits)).sum(alongAxis: 1)
    return -perRow.mean()
}
