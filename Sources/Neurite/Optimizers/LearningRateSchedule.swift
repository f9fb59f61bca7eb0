import Foundation

/// How the learning rate changes over a run.
///
/// A constant rate large enough to make fast progress early keeps the weights bouncing around
/// the minimum at the end; decaying it lets the last epochs settle. Cosine annealing decays
/// smoothly from the base rate to zero, and needs no tuning beyond the number of epochs.
public enum LearningRateSchedule: String, Sendable, CaseIterable {
    case constant
    case cosine

    /// The rate for `epoch` (1-based) of `epochs`.
    public func rate(base: Float, epoch: Int, of epochs: Int) -> Float {
        switch self {
        case .constant:
            return base
        case .cosine:
            let progress = Double(epoch - 1) / Double(max(epochs, 1))
            return base * Float(0.5 * (1 + cos(Double.pi * progress)))
        }
    }
}
