import Foundation
import Neurite

/// Regression targets brought to unit scale for training, and the scale folded back into the
/// head for the saved model, so that it predicts in the table's units.
///
/// House prices (mean 4.0·10⁵, σ 1.4·10⁵, three features) made `train csv --task regression`
/// stop at "loss became inf at epoch 1, batch 4" with its defaults, and stay at R² 0 with Adam:
/// the loss's gradient grows with the targets, and the head's bias would have to travel 10⁵ at
/// the learning rate's pace. Training on z = (y − μ) / σ puts every target at unit scale, as
/// the features already are. The head is linear (regression: z = W h + b), so y = σ z + μ is
/// the head with weights σ W and bias σ b + μ, exactly. A ReLU head (nonnegative) is only
/// divided by each column's σ (μ = 0): σ · relu(W h + b) = relu(σ W h + σ b) for σ > 0, where a
/// shift would move the kink and let predictions go below 0. On a table already at unit scale
/// this costs a little: `Examples/tables.csv`'s `amount` (σ 1.5) reached validation R²
/// 0.90–0.93 over seeds 1–4 in ten epochs, against 0.91–0.94 unscaled and 0.88–0.93 divided
/// by the root mean square; regression's `y` gained (0.83–0.89 against 0.82–0.88).
extension TableTask {
    /// The scaling of `targets` `[rows, columns]` for this task: standardization for regression,
    /// division by the standard deviation for nonnegative, none for the classification tasks.
    func targetScaling(fitting targets: Tensor) throws -> Standardization? {
        switch self {
        case .regression:
            return try Standardization(fitting: targets)
        case .nonnegative:
            let deviations = try Standardization(fitting: targets).standardDeviation
            return try Standardization(mean: .zeros(deviations.shape), standardDeviation: deviations)
        case .binary, .multiclass, .multilabel:
            return nil
        }
    }
}

extension Standardization {
    /// Makes `head`, trained on targets standardized by `self`, predict the targets themselves:
    /// W ← W σ (each output's column), b ← b σ + μ.
    func fold(into head: Dense) {
        head.weight = head.weight * standardDeviation.reshaped([1, featureCount])
        guard let bias = head.bias else { return }
        bias.value = bias.value * standardDeviation + mean
    }

    /// The scale in words, for the run's header: "price: mean 4.00e+05, σ 1.39e+05".
    func summary(of columns: [String]) -> String {
        zip(columns, zip(mean.scalars, standardDeviation.scalars)).map { column, scale in
            scale.0 == 0
                ? String(format: "%@ ÷ %.3g", column, scale.1)
                : String(format: "%@: mean %.3g, σ %.3g", column, scale.0, scale.1)
        }.joined(separator: "; ")
    }
}
