import Testing
@testable import Neurite

/// Every ``Metric`` against numbers worked out by hand.
@Suite("Metrics")
struct MetricTests {
    // Four samples, three classes: predicted 0, 1, 2, 1 against true 0, 2, 2, 1.
    let probabilities = try! Tensor(rows: [[0.7, 0.2, 0.1], [0.1, 0.5, 0.4], [0.2, 0.3, 0.5], [0.3, 0.6, 0.1]])
    let classes = Tensor([0, 2, 2, 1])

    @Test func accuracyAndTopK() {
        #expect(Metric.accuracy.compute(predictions: probabilities, targets: classes) == 0.75)
        // Sample 1's class 2 (0.4) is second of its row: in the top 2.
        #expect(Metric.topKAccuracy(2).compute(predictions: probabilities, targets: classes) == 1)
        #expect(Metric.topKAccuracy(1).compute(predictions: probabilities, targets: classes) == 0.75)
        let oneHot = try! Tensor.oneHot([0, 2, 2, 1], classCount: 3)
        #expect(Metric.accuracy.compute(predictions: probabilities, targets: oneHot) == 0.75)
        // Binary: one probability per sample, the class is p ≥ 0.5.
        #expect(Metric.accuracy.compute(predictions: Tensor([0.9, 0.4, 0.6, 0.5]), targets: Tensor([1, 0, 0, 0])) == 0.5)
    }

    @Test func confusionMatrixAndPerClassScores() throws {
        let matrix = try ConfusionMatrix(predictions: probabilities, targets: classes)
        #expect(matrix.counts == [[1, 0, 0], [0, 1, 0], [0, 1, 1]])
        #expect(matrix.accuracy == 0.75)
        // Class 1: predicted twice, right once; present once, found once.
        #expect(matrix.precision(ofClass: 1) == 0.5 && matrix.recall(ofClass: 1) == 1)
        #expect(abs(matrix.f1(ofClass: 1) - 2.0 / 3) < 1e-12)
        // Class 2: predicted once (right), present twice.
        #expect(matrix.precision(ofClass: 2) == 1 && matrix.recall(ofClass: 2) == 0.5)
        #expect(Metric.precision(ofClass: 1).compute(predictions: probabilities, targets: classes) == 0.5)
        #expect(Metric.recall(ofClass: 2).compute(predictions: probabilities, targets: classes) == 0.5)
        #expect(abs(Metric.f1(ofClass: 2).compute(predictions: probabilities, targets: classes) - 2.0 / 3) < 1e-12)
        let text = matrix.description
        #expect(text.contains("precision") && text.split(separator: "\n").count == 1 + 3 + 1 + 3)
        // A binary head makes a 2×2 matrix.
        #expect(try ConfusionMatrix(predictions: Tensor([0.9, 0.2, 0.7]), targets: Tensor([1, 1, 0])).counts == [[0, 1], [1, 1]])
    }

    @Test func multiLabelScores() {
        // 2 samples × 3 labels; predicted at ≥ 0.5: [1,0,1], [0,1,1]; true [1,0,0], [0,1,1].
        let predictions = try! Tensor(rows: [[0.8, 0.1, 0.6], [0.4, 0.9, 0.5]])
        let targets = try! Tensor(rows: [[1, 0, 0], [0, 1, 1]])
        // One wrong entry of six; TP = 3, FP = 1, FN = 0.
        #expect(abs(Metric.hammingLoss(threshold: 0.5).compute(predictions: predictions, targets: targets) - 1.0 / 6) < 1e-12)
        #expect(abs(Metric.microF1(threshold: 0.5).compute(predictions: predictions, targets: targets) - 6.0 / 7) < 1e-12)
        // Per label F1: 1, 1, 2·1/(2+1) = 2/3.
        #expect(abs(Metric.macroF1(threshold: 0.5).compute(predictions: predictions, targets: targets) - (2 + 2.0 / 3) / 3) < 1e-12)
        // A higher threshold turns sample 1's label 2 (0.5) from TP into FN: TP 2, FP 1, FN 1.
        #expect(abs(Metric.microF1(threshold: 0.55).compute(predictions: predictions, targets: targets) - 4.0 / 6) < 1e-12)
    }

    @Test func regressionScores() {
        let predictions = try! Tensor(shape: [4, 1], scalars: [1, 2, 3, 5])
        let targets = Tensor([1, 2, 4, 3])
        // Errors 0, 0, −1, 2: MSE 5/4, MAE 3/4; targets' mean 2.5, Σ(y−ȳ)² = 5, R² = 1 − 5/5 = 0.
        #expect(Metric.meanSquaredError.compute(predictions: predictions, targets: targets) == 1.25)
        #expect(Metric.meanAbsoluteError.compute(predictions: predictions, targets: targets) == 0.75)
        #expect(abs(Metric.r2.compute(predictions: predictions, targets: targets)) < 1e-12)
        #expect(Metric.r2.compute(predictions: targets, targets: targets) == 1)
        // Two columns average their R²: the first perfect (1), the second as above (0).
        let both = try! Tensor(rows: [[1, 1], [2, 2], [4, 3], [3, 5]]), truth = try! Tensor(rows: [[1, 1], [2, 2], [4, 4], [3, 3]])
        #expect(abs(Metric.r2.compute(predictions: both, targets: truth) - 0.5) < 1e-12)
    }

    @Test func shapesThatDoNotFitThrow() {
        #expect(throws: TensorError.self) { try Metric.accuracy.measured(predictions: probabilities, targets: Tensor([0, 1])) }
        #expect(throws: TensorError.self) { try Metric.accuracy.measured(predictions: probabilities, targets: Tensor([0, 1, 2, 3])) }
        #expect(throws: TensorError.self) { try Metric.r2.measured(predictions: probabilities, targets: classes) }
    }
}
