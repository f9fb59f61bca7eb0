import Foundation

/// Counts of (true class, predicted class) pairs: row i, column j is how many samples of class i
/// were predicted as class j. The diagonal holds the correct ones.
///
/// Per-class precision, recall and F1 come from it: precision_c = M[c][c] / Σᵢ M[i][c] (of those
/// predicted c, how many are), recall_c = M[c][c] / Σⱼ M[c][j] (of those that are c, how many were
/// found), F1 their harmonic mean. A class never predicted (or never present) has precision (or
/// recall) 0, as scikit-learn reports with `zero_division=0`.
public struct ConfusionMatrix: Sendable, Equatable, CustomStringConvertible {
    /// `counts[actual][predicted]`.
    public let counts: [[Int]]

    /// The matrix of `predictions` (from ``Loss/predictions(from:)``) against `targets`, with the
    /// class rules of ``Metric/accuracy``. It has as many classes as predicted columns (two for a
    /// single binary output).
    /// - Throws: ``TensorError`` when the shapes do not fit classification.
    public init(predictions: Tensor, targets: Tensor) throws {
        let (predicted, actual) = try ClassPairs.of(predictions, targets)
        let columns = predictions.rank == 1 ? 1 : predictions.count / max(predictions.shape[0], 1)
        let classes = max(columns, 2)
        var counts = Array(repeating: Array(repeating: 0, count: classes), count: classes)
        for (guess, truth) in zip(predicted, actual) { counts[truth][guess] += 1 }
        self.counts = counts
    }

    /// The number of classes.
    public var classCount: Int { counts.count }

    /// The fraction of all samples on the diagonal.
    public var accuracy: Double {
        fraction((0..<classCount).reduce(0) { $0 + counts[$1][$1] }, of: counts.joined().reduce(0, +))
    }

    /// Of the samples predicted as class `index`, the fraction that are of it.
    public func precision(ofClass index: Int) -> Double {
        fraction(counts[index][index], of: counts.reduce(0) { $0 + $1[index] })
    }

    /// Of the samples of class `index`, the fraction predicted as it.
    public func recall(ofClass index: Int) -> Double {
        fraction(counts[index][index], of: counts[index].reduce(0, +))
    }

    /// The harmonic mean of precision and recall of class `index` (0 when both are 0).
    public func f1(ofClass index: Int) -> Double {
        let p = precision(ofClass: index), r = recall(ofClass: index)
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }

    /// The matrix as a table (rows: true class, columns: predicted class), followed by each
    /// class's precision, recall, F1 and number of samples.
    public var description: String {
        let width = max(6, String(counts.joined().max() ?? 0).count + 1)
        func cell(_ value: Int) -> String { let text = String(value); return String(repeating: " ", count: max(0, width - text.count)) + text }
        var lines = ["true \\ predicted" + (0..<classCount).map(cell).joined()]
        for (truth, row) in counts.enumerated() {
            lines.append(String(truth).padding(toLength: 16, withPad: " ", startingAt: 0) + row.map(cell).joined())
        }
        lines.append("class  precision  recall      F1  support")
        for index in 0..<classCount {
            lines.append(String(
                format: "%-5d  %9.4f  %6.4f  %6.4f  %7d", index, precision(ofClass: index), recall(ofClass: index), f1(ofClass: index),
                counts[index].reduce(0, +)))
        }
        return lines.joined(separator: "\n")
    }
}
