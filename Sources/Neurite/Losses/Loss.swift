/// A loss as a value that a training loop takes: `model.fit(data, loss: .crossEntropy, …)`.
///
/// Each loss pairs with one kind of output head, and knows that head's link, the function that
/// turns the model's raw outputs into what the task predicts (``predictions(from:)``): softmax
/// probabilities for ``crossEntropy``, sigmoid probabilities for
/// ``binaryCrossEntropy(fromLogits:positiveWeight:)`` on logits, the values themselves for
/// regression. Metrics are computed on those predictions.
///
/// | task | head (last layer) | loss | targets |
/// | --- | --- | --- | --- |
/// | binary classification | 1 logit (linear) | `.binaryCrossEntropy(fromLogits: true)` | `[n, 1]` of 0/1 |
/// | signed regression | linear | `.meanSquaredError`, `.meanAbsoluteError`, `.huber(delta:)` | `[n, k]` |
/// | non-negative regression | ``Activation/relu`` | `.meanSquaredError` | `[n, k]` ≥ 0 |
/// | multiclass | logits (linear) | `.crossEntropy` | `[n]` class indices |
/// | multi-label | 1 logit per label | `.binaryCrossEntropy(fromLogits: true)` | `[n, labels]` of 0/1 |
///
/// Targets whose count and first dimension match the outputs but whose shape differs (`[n]`
/// against outputs `[n, 1]`) are reshaped to the outputs' shape.
public struct Loss: Sendable {
    /// A short name for logs, e.g. `"cross-entropy"`.
    public let name: String
    private let value: @Sendable (_ outputs: Tensor, _ targets: Tensor) throws -> Tensor
    private let link: @Sendable (_ outputs: Tensor) throws -> Tensor

    /// A loss from its two functions: `value` maps outputs and targets to a differentiable scalar,
    /// `link` maps outputs to predictions.
    public init(
        name: String, value: @escaping @Sendable (_ outputs: Tensor, _ targets: Tensor) throws -> Tensor,
        link: @escaping @Sendable (_ outputs: Tensor) throws -> Tensor = { $0 }
    ) {
        self.name = name
        self.value = value
        self.link = link
    }

    /// The mean loss of `outputs` (the model's raw outputs for a batch) against `targets`,
    /// differentiable with respect to both.
    /// - Throws: ``TensorError`` when the shapes do not fit the loss.
    public func callAsFunction(_ outputs: Tensor, _ targets: Tensor) throws -> Tensor {
        try value(outputs, targets)
    }

    /// What the model predicts, from its raw outputs: the head's link applied (softmax, sigmoid or
    /// nothing). Metrics take these.
    public func predictions(from outputs: Tensor) throws -> Tensor { try link(outputs) }

    /// Softmax cross-entropy: the multiclass loss. Pairs with a head of one logit per class and no
    /// activation (``Activation/linear``); the softmax is fused into the loss. Targets: `[n]` class
    /// indices, or `[n, classes]` probabilities. Predictions: softmax probabilities.
    public static let crossEntropy = crossEntropy(labelSmoothing: 0)

    /// Softmax cross-entropy with label smoothing ε: the target of class c becomes
    /// (1−ε)·onehot(c) + ε/classes, as PyTorch's `label_smoothing`. See ``crossEntropy``.
    public static func crossEntropy(labelSmoothing: Float) -> Loss {
        precondition((0...1).contains(labelSmoothing), "label smoothing must be in [0, 1]")
        return Loss(
            name: labelSmoothing == 0 ? "cross-entropy" : "cross-entropy (smoothing \(labelSmoothing))",
            value: { logits, targets in
                if targets.rank == 2 {
                    let classes = Float(max(logits.shape.last ?? 1, 1))
                    let smoothed = labelSmoothing == 0 ? targets : targets * (1 - labelSmoothing) + labelSmoothing / classes
                    return try Neurite.crossEntropy(logits: logits, probabilities: smoothed)
                }
                return try Neurite.crossEntropy(logits: logits, labels: classIndices(targets), labelSmoothing: labelSmoothing)
            },
            link: { softmax($0) })
    }

    /// Binary cross-entropy: the loss for binary classification (one output) and multi-label
    /// classification (one output per label). Targets: 0/1 (or soft) of the outputs' shape.
    ///
    /// With `fromLogits: true` (the default) it pairs with a linear head and applies the sigmoid
    /// itself in the numerically stable form; predictions are sigmoid probabilities. With `false`
    /// it pairs with a ``Activation/sigmoid`` head whose outputs are already probabilities.
    /// `positiveWeight` weights the positive class per label (PyTorch's `pos_weight`), broadcast
    /// over the outputs' last dimension.
    public static func binaryCrossEntropy(fromLogits: Bool = true, positiveWeight: Tensor? = nil) -> Loss {
        Loss(
            name: "binary cross-entropy",
            value: { outputs, targets in
                let targets = try matching(targets, outputs)
                if fromLogits {
                    guard let positiveWeight else { return try Neurite.binaryCrossEntropy(logits: outputs, targets: targets) }
                    return try Neurite.binaryCrossEntropy(logits: outputs, targets: targets, positiveWeight: positiveWeight)
                }
                guard let positiveWeight else { return try Neurite.binaryCrossEntropy(probabilities: outputs, targets: targets) }
                let p = outputs.clamped(to: 1e-7...(1 - 1e-7))
                let positive = positiveWeight * targets * p.log()
                return -(positive + (1 - targets) * (1 - p).log()).mean()
            },
            link: { fromLogits ? sigmoid($0) : $0 })
    }

    /// Mean squared error: regression. Pairs with a linear head (any real value) or a
    /// ``Activation/relu`` head (non-negative values). Predictions: the outputs.
    public static let meanSquaredError = Loss(name: "mean squared error") { outputs, targets in
        try Neurite.meanSquaredError(predictions: outputs, targets: matching(targets, outputs))
    }

    /// Mean absolute error: regression robust to outliers; same heads as ``meanSquaredError``.
    public static let meanAbsoluteError = Loss(name: "mean absolute error") { outputs, targets in
        try Neurite.meanAbsoluteError(predictions: outputs, targets: matching(targets, outputs))
    }

    /// The Huber loss with threshold δ: squared error within δ, absolute beyond; same heads as
    /// ``meanSquaredError``.
    public static func huber(delta: Float = 1) -> Loss {
        precondition(delta > 0, "Huber delta must be positive")
        return Loss(name: "Huber (delta \(delta))") { outputs, targets in
            try huberLoss(predictions: outputs, targets: matching(targets, outputs), delta: delta)
        }
    }
}

/// Class indices held as Floats, as integers.
func classIndices(_ targets: Tensor) throws -> [Int] {
    guard targets.rank == 1 else {
        throw TensorError.invalidShape(targets.shape, reason: "class-index targets must be one index per sample")
    }
    return try targets.scalars.map { value in
        guard value >= 0, value == value.rounded(), value < 16_777_216 else {
            throw TensorError.invalidArgument("target \(value) is not a class index")
        }
        return Int(value)
    }
}

/// `targets` in the shape of `outputs` when only the layout differs (`[n]` against `[n, 1]`).
private func matching(_ targets: Tensor, _ outputs: Tensor) throws -> Tensor {
    guard targets.shape != outputs.shape, targets.count == outputs.count, targets.rank >= 1, outputs.rank >= 1,
          targets.shape[0] == outputs.shape[0]
    else { return targets }
    return targets.reshaped(outputs.shape)
}
