/// Per-label true/false positives and false negatives of multi-label predictions, thresholded.
struct LabelCounts {
    var truePositives: [Int], falsePositives: [Int], falseNegatives: [Int]
    let entries: Int

    /// Predictions and targets `[n, labels]` (or `[n]` for one label); a label is predicted at
    /// probability ≥ `threshold` and present at target ≥ 0.5.
    init(predictions: Tensor, targets: Tensor, threshold: Float) throws {
        guard predictions.count == targets.count, predictions.rank >= 1, targets.rank >= 1,
              predictions.shape[0] == targets.shape[0]
        else { throw TensorError.shapeMismatch(operation: "multi-label metric", lhs: predictions.shape, rhs: targets.shape) }
        let labels = predictions.count / max(predictions.shape[0], 1)
        truePositives = Array(repeating: 0, count: labels)
        falsePositives = truePositives
        falseNegatives = truePositives
        entries = predictions.count
        for (index, (p, t)) in zip(predictions.scalars, targets.scalars).enumerated() {
            let label = index % max(labels, 1), predicted = p >= threshold, present = t >= 0.5
            if predicted && present { truePositives[label] += 1 }
            if predicted && !present { falsePositives[label] += 1 }
            if !predicted && present { falseNegatives[label] += 1 }
        }
    }

    /// Wrong entries over all entries.
    var hammingLoss: Double { fraction(falsePositives.reduce(0, +) + falseNegatives.reduce(0, +), of: entries) }

    /// F1 of the pooled counts.
    var microF1: Double {
        f1(truePositives.reduce(0, +), falsePositives.reduce(0, +), falseNegatives.reduce(0, +))
    }

    /// Mean over labels of each label's F1.
    var macroF1: Double {
        let scores = truePositives.indices.map { f1(truePositives[$0], falsePositives[$0], falseNegatives[$0]) }
        return scores.isEmpty ? 0 : scores.reduce(0, +) / Double(scores.count)
    }

    /// 2·TP/(2·TP + FP + FN), 0 when there is nothing to find and nothing was predicted.
    private func f1(_ tp: Int, _ fp: Int, _ fn: Int) -> Double { fraction(2 * tp, of: 2 * tp + fp + fn) }
}
