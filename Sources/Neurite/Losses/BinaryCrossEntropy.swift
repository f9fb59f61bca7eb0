import Foundation

/// −mean[y·log p + (1−y)·log(1−p)] for probabilities p in (0, 1), e.g. a sigmoid head's output.
///
/// p is clamped to [ε, 1−ε] with ε = 1e-7 so a saturated sigmoid gives a large finite loss
/// instead of infinity; prefer ``binaryCrossEntropy(logits:targets:)``, which needs no clamp.
/// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` unless the shapes are equal.
public func binaryCrossEntropy(probabilities: Tensor, targets: Tensor) throws -> Tensor {
    guard probabilities.shape == targets.shape else {
        throw TensorError.shapeMismatch(operation: "binaryCrossEntropy", lhs: probabilities.shape, rhs: targets.shape)
    }
    let epsilon: Float = 1e-7
    let p = probabilities.clamped(to: epsilon...(1 - epsilon))
    let positive = targets * p.log()
    let negative = (1 - targets) * (1 - p).log()
    return -(positive + negative).mean()
}

/// Binary cross-entropy of sigmoid(logits), computed from the logits directly:
/// max(z, 0) − z·y + log(1 + e^(−|z|)), which never overflows and never takes log 0.
/// Its gradient with respect to z is simply (sigmoid(z) − y)/n.
///
/// Used with one logit per label, this is the multi-label loss (see ``multiLabelCrossEntropy(logits:targets:)``).
/// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` unless the shapes are equal.
public func binaryCrossEntropy(logits: Tensor, targets: Tensor) throws -> Tensor {
    guard logits.shape == targets.shape else {
        throw TensorError.shapeMismatch(operation: "binaryCrossEntropy", lhs: logits.shape, rhs: targets.shape)
    }
    let n = Float(max(logits.count, 1))
    let z = logits.storage.base, y = targets.storage.base
    var total: Double = 0
    for index in 0..<logits.count {
        total += Double(max(z[index], 0) - z[index] * y[index] + Foundation.log1p(Foundation.exp(-abs(z[index]))))
    }
    return Tensor(Float(total) / n).recorded(from: [logits, targets]) { gradient, needed in
        let scale = gradient.scalar / n
        return [
            Kernels.zip(logits, targets) { (stableSigmoid($0) - $1) * scale },
            // ∂/∂y = −z/n: targets are usually data, but soft targets can be learned too.
            needed[1] ? Kernels.map(logits) { -$0 * scale } : nil,
        ]
    }
}

/// The multi-label loss: one independent sigmoid per label, each scored by binary cross-entropy,
/// averaged over samples and labels. `targets` holds 0 or 1 per label.
public func multiLabelCrossEntropy(logits: Tensor, targets: Tensor) throws -> Tensor {
    try binaryCrossEntropy(logits: logits, targets: targets)
}

/// Binary cross-entropy on logits with the positive class weighted by `positiveWeight` (PyTorch's
/// `BCEWithLogitsLoss(pos_weight:)`): −mean[w·y·log σ(z) + (1−y)·log(1−σ(z))].
///
/// A weight w > 1 counts each positive w times, the remedy when positives are rare (w ≈
/// negatives/positives per label). `positiveWeight` broadcasts against the logits' trailing
/// dimensions: one weight per label, `[labels]`, or a scalar. Written with softplus(x) =
/// log(1 + eˣ) = max(x, 0) + log(1 + e^(−|x|)) so nothing overflows: −log σ(z) = softplus(−z) and
/// −log(1−σ(z)) = softplus(z). ∂/∂z = (1−y)·σ(z) − w·y·σ(−z), which is σ(z) − y when w = 1.
/// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` unless logits and targets have
///   the same shape and `positiveWeight` broadcasts to it.
public func binaryCrossEntropy(logits: Tensor, targets: Tensor, positiveWeight: Tensor) throws -> Tensor {
    guard logits.shape == targets.shape,
          (try? Broadcasting.shape(positiveWeight.shape, logits.shape, operation: "binaryCrossEntropy")) == logits.shape
    else {
        throw TensorError.shapeMismatch(operation: "binaryCrossEntropy", lhs: logits.shape, rhs: positiveWeight.shape)
    }
    let weights = Kernels.expand(positiveWeight, to: logits.shape)
    let n = Float(max(logits.count, 1))
    let z = logits.storage.base, y = targets.storage.base, w = weights.storage.base
    var total: Double = 0
    for index in 0..<logits.count {
        total += Double(w[index] * y[index] * softplus(-z[index]) + (1 - y[index]) * softplus(z[index]))
    }
    return Tensor(Float(total) / n).recorded(from: [logits, targets]) { gradient, needed in
        // Read through the tensors, which the closure keeps alive (the pointers above would dangle).
        let z = logits.storage.base, y = targets.storage.base, w = weights.storage.base
        let scale = gradient.scalar / n
        let logitGradient = Tensor(uninitializedShape: logits.shape), targetGradient = Tensor.zeros(logits.shape)
        for index in 0..<logits.count {
            let p = stableSigmoid(z[index])
            logitGradient.storage.base[index] = ((1 - y[index]) * p - w[index] * y[index] * (1 - p)) * scale
            targetGradient.storage.base[index] = (w[index] * softplus(-z[index]) - softplus(z[index])) * scale
        }
        return [logitGradient, needed[1] ? targetGradient : nil]
    }
}

/// log(1 + eˣ) without overflow.
@inline(__always)
func softplus(_ x: Float) -> Float { max(x, 0) + Foundation.log1p(Foundation.exp(-abs(x))) }
