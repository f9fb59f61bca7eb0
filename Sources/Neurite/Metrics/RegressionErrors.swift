/// Squared and absolute errors of regression predictions, and R², accumulated in Double.
struct RegressionErrors {
    let meanSquaredError: Double, meanAbsoluteError: Double, r2: Double

    /// Predictions and targets of equal count and first dimension (`[n]` and `[n, 1]` match);
    /// columns are the entries of one sample.
    static func of(_ predictions: Tensor, _ targets: Tensor) throws -> RegressionErrors {
        guard predictions.count == targets.count, predictions.rank >= 1, targets.rank >= 1,
              predictions.shape[0] == targets.shape[0]
        else { throw TensorError.shapeMismatch(operation: "regression metric", lhs: predictions.shape, rhs: targets.shape) }
        let rows = predictions.shape[0], columns = predictions.count / max(rows, 1)
        let p = predictions.scalars, y = targets.scalars
        var squares: Double = 0, absolutes: Double = 0, r2Total: Double = 0
        for column in 0..<columns {
            var mean: Double = 0
            for row in 0..<rows { mean += Double(y[row * columns + column]) }
            mean /= Double(max(rows, 1))
            var residual: Double = 0, spread: Double = 0
            for row in 0..<rows {
                let index = row * columns + column, error = Double(p[index]) - Double(y[index])
                residual += error * error
                absolutes += abs(error)
                spread += (Double(y[index]) - mean) * (Double(y[index]) - mean)
            }
            squares += residual
            // A constant target: perfect predictions score 1, anything else 0 (as scikit-learn).
            r2Total += spread > 0 ? 1 - residual / spread : (residual == 0 ? 1 : 0)
        }
        let count = Double(max(p.count, 1))
        return RegressionErrors(
            meanSquaredError: squares / count, meanAbsoluteError: absolutes / count, r2: r2Total / Double(max(columns, 1)))
    }
}
