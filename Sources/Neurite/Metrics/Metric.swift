/// A measure of how well predictions match targets, computed over a whole epoch or validation
/// set at once: `model.fit(…, metrics: [.accuracy, .microF1(threshold: 0.5), .r2])`.
///
/// Metrics take predictions, not raw outputs: what ``Loss/predictions(from:)`` gives (softmax or
/// sigmoid probabilities, or regression values). They are computed over all samples together,
/// never averaged over batches, because F1, R² and the like are not means of per-batch values.
public struct Metric: Sendable {
    /// The metric's name in logs and in ``History``, e.g. `"accuracy"`, `"micro-F1"`.
    public let name: String
    private let measure: @Sendable (_ predictions: Tensor, _ targets: Tensor) throws -> Double

    /// A metric computed by `measure` from predictions and targets.
    public init(name: String, _ measure: @escaping @Sendable (_ predictions: Tensor, _ targets: Tensor) throws -> Double) {
        self.name = name
        self.measure = measure
    }

    /// The metric of `predictions` (from ``Loss/predictions(from:)``) against `targets`.
    ///
    /// Shapes that do not fit the metric (accuracy on regression values, F1 on targets of
    /// another shape) are a programmer error here and stop the program with the reason;
    /// ``measured(predictions:targets:)`` throws instead.
    public func compute(predictions: Tensor, targets: Tensor) -> Double {
        do { return try measure(predictions, targets) } catch { preconditionFailure("\(name): \(error)") }
    }

    /// The metric, throwing ``TensorError`` when the shapes do not fit it.
    public func measured(predictions: Tensor, targets: Tensor) throws -> Double {
        try measure(predictions, targets)
    }
}

extension Metric {
    /// The fraction of samples classified correctly. Multiclass: the largest prediction is the
    /// target class (targets `[n]` indices or `[n, classes]` one-hot). Binary (one prediction per
    /// sample): the probability is on the target's side of 0.5.
    public static let accuracy = Metric(name: "accuracy") { predictions, targets in
        let (predicted, actual) = try ClassPairs.of(predictions, targets)
        var correct = 0  // counted, not filtered: an epoch's worth of pairs is not worth an array
        for (guess, truth) in zip(predicted, actual) where guess == truth { correct += 1 }
        return fraction(correct, of: predicted.count)
    }

    /// The fraction of samples whose target class is among the `k` largest predictions.
    public static func topKAccuracy(_ k: Int) -> Metric {
        precondition(k > 0, "top-k accuracy needs k ≥ 1")
        return Metric(name: "top-\(k) accuracy") { predictions, targets in
            try topKAccuracy(predictions, targets, k: k)
        }
    }

    /// Precision of one class: of the samples predicted as `class`, the fraction that are.
    public static func precision(ofClass index: Int) -> Metric {
        Metric(name: "precision[\(index)]") { try ConfusionMatrix(predictions: $0, targets: $1).precision(ofClass: index) }
    }

    /// Recall of one class: of the samples of `class`, the fraction predicted as it.
    public static func recall(ofClass index: Int) -> Metric {
        Metric(name: "recall[\(index)]") { try ConfusionMatrix(predictions: $0, targets: $1).recall(ofClass: index) }
    }

    /// F1 of one class, the harmonic mean of its precision and recall.
    public static func f1(ofClass index: Int) -> Metric {
        Metric(name: "F1[\(index)]") { try ConfusionMatrix(predictions: $0, targets: $1).f1(ofClass: index) }
    }

    /// Multi-label: the fraction of (sample, label) entries predicted wrongly, a label being
    /// predicted when its probability is ≥ `threshold`. Targets: `[n, labels]` of 0/1.
    public static func hammingLoss(threshold: Float = 0.5) -> Metric {
        Metric(name: "Hamming loss") { try LabelCounts(predictions: $0, targets: $1, threshold: threshold).hammingLoss }
    }

    /// Multi-label F1 over all entries pooled: 2·TP/(2·TP + FP + FN), labels predicted at
    /// probability ≥ `threshold`. Frequent labels weigh more.
    public static func microF1(threshold: Float = 0.5) -> Metric {
        Metric(name: "micro-F1") { try LabelCounts(predictions: $0, targets: $1, threshold: threshold).microF1 }
    }

    /// Multi-label F1 of each label, averaged over labels: rare labels weigh as much as frequent ones.
    public static func macroF1(threshold: Float = 0.5) -> Metric {
        Metric(name: "macro-F1") { try LabelCounts(predictions: $0, targets: $1, threshold: threshold).macroF1 }
    }

    /// Regression: mean of (prediction − target)².
    public static let meanSquaredError = Metric(name: "MSE") { try RegressionErrors.of($0, $1).meanSquaredError }

    /// Regression: mean of |prediction − target|.
    public static let meanAbsoluteError = Metric(name: "MAE") { try RegressionErrors.of($0, $1).meanAbsoluteError }

    /// Regression: the coefficient of determination R² = 1 − Σ(y − ŷ)²/Σ(y − ȳ)², per output
    /// column and averaged over columns (scikit-learn's `r2_score`). 1 is a perfect fit, 0 is
    /// no better than predicting the mean.
    public static let r2 = Metric(name: "R²") { try RegressionErrors.of($0, $1).r2 }
}

/// `count / total`, 0 for an empty set.
func fraction(_ count: Int, of total: Int) -> Double { total == 0 ? 0 : Double(count) / Double(total) }
