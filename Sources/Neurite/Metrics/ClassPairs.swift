/// The predicted and the true class of each sample, the common ground of the classification
/// metrics.
enum ClassPairs {
    /// - Multiclass: predictions `[n, classes]`, targets `[n]` class indices or `[n, classes]`
    ///   one-hot; the predicted class is the largest prediction (the first on ties).
    /// - Binary: predictions `[n]` or `[n, 1]` probabilities, targets 0/1 of the same count; the
    ///   class is 1 at probability ≥ 0.5.
    static func of(_ predictions: Tensor, _ targets: Tensor) throws -> (predicted: [Int], actual: [Int]) {
        guard predictions.rank >= 1, targets.rank >= 1, predictions.shape[0] == targets.shape[0] else {
            throw TensorError.shapeMismatch(operation: "classification metric", lhs: predictions.shape, rhs: targets.shape)
        }
        let columns = predictions.rank == 1 ? 1 : predictions.count / max(predictions.shape[0], 1)
        if columns == 1 {
            guard targets.count == predictions.count else {
                throw TensorError.shapeMismatch(operation: "binary metric", lhs: predictions.shape, rhs: targets.shape)
            }
            return (predictions.scalars.map { $0 >= 0.5 ? 1 : 0 }, targets.scalars.map { $0 >= 0.5 ? 1 : 0 })
        }
        guard predictions.rank == 2 else {
            throw TensorError.invalidShape(predictions.shape, reason: "class predictions must be [samples, classes]")
        }
        let predicted = predictions.argmaxIndices(alongAxis: 1)
        if targets.shape == predictions.shape { return (predicted, targets.argmaxIndices(alongAxis: 1)) }
        let actual = try classIndices(targets)
        if let bad = actual.first(where: { $0 >= columns }) {
            throw TensorError.invalidArgument("class \(bad) is outside the \(columns) predicted classes")
        }
        return (predicted, actual)
    }
}

extension Metric {
    /// Whether each sample's target class is among its `k` largest predictions (ties counted in
    /// the target's favour only when strictly fewer than `k` classes score higher).
    static func topKAccuracy(_ predictions: Tensor, _ targets: Tensor, k: Int) throws -> Double {
        guard predictions.rank == 2, predictions.shape[0] == targets.shape[0] else {
            throw TensorError.shapeMismatch(operation: "top-k accuracy", lhs: predictions.shape, rhs: targets.shape)
        }
        let actual = targets.shape == predictions.shape ? targets.argmaxIndices(alongAxis: 1) : try classIndices(targets)
        let classes = predictions.shape[1], values = predictions.scalars
        var hits = 0
        for (row, label) in actual.enumerated() {
            guard label < classes else { throw TensorError.invalidArgument("class \(label) is outside the \(classes) predicted classes") }
            let scores = values[(row * classes)..<((row + 1) * classes)]
            let target = scores[row * classes + label]
            if scores.filter({ $0 > target }).count < k { hits += 1 }
        }
        return fraction(hits, of: actual.count)
    }
}
