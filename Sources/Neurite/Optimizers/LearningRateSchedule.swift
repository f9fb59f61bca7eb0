import Foundation

/// How the learning rate changes over a run: an optional linear warm-up, then a decay, changing
/// once per epoch or at every step.
///
/// A constant rate large enough to make fast progress early keeps the weights bouncing around
/// the minimum at the end; decaying it lets the last steps settle. Cosine annealing decays
/// smoothly from the base rate toward zero and needs no tuning beyond the length of the run;
/// step decay (×γ every N) and exponential decay (×γ each time) are the classic alternatives. A
/// warm-up raises the rate linearly over the first steps, while adaptive optimizers' moment
/// estimates and batch statistics are still poor, so that large early steps do not derail them.
///
/// ```swift
/// let schedule = LearningRateSchedule(.cosine, per: .step, warmup: .epochs(1))
/// optimizer.learningRate = schedule.learningRate(base: 1e-3, step: step, stepsPerEpoch: 938, epochs: 5)
/// ```
public struct LearningRateSchedule: Sendable, Equatable {
    /// How the rate falls from the base rate after the warm-up. Positions count intervals (epochs
    /// or steps, see ``Interval``) from the end of the warm-up, starting at 0.
    public enum Decay: Sendable, Equatable {
        /// The base rate throughout.
        case constant
        /// The base rate times `factor` after every `every` intervals: base·γ^⌊t/N⌋.
        case step(every: Int, factor: Float)
        /// The base rate times `factor` after each interval: base·γᵗ.
        case exponential(factor: Float)
        /// Half a cosine from the base rate to zero over the rest of the run: base·½(1 + cos(π·t/T)).
        case cosine
    }

    /// How often the decayed rate changes: after each epoch (the rate is constant within one), or
    /// at every step.
    public enum Interval: String, Sendable, Equatable {
        /// Once per epoch: every step of an epoch trains at the same rate.
        case epoch
        /// At every optimizer step.
        case step
    }

    /// A length counted in optimizer steps or in epochs (`.epochs(0.5)` is half an epoch's steps).
    public enum Length: Sendable, Equatable {
        /// A number of optimizer steps.
        case steps(Int)
        /// A number of epochs, possibly fractional, rounded to whole steps.
        case epochs(Double)

        /// The length in steps, rounded to the nearest step.
        public func steps(perEpoch stepsPerEpoch: Int) -> Int {
            switch self {
            case let .steps(count): return count
            // Capped far beyond any run, so that a huge count cannot overflow `Int`.
            case let .epochs(epochs): return Int(min((epochs * Double(stepsPerEpoch)).rounded(), 1e15))
            }
        }
    }

    /// The decay after the warm-up.
    public var decay: Decay
    /// Whether the decay changes the rate once per epoch or at every step.
    public var interval: Interval
    /// The linear warm-up of W steps: the rate rises from base/W at the first step to the base
    /// rate at the W-th (it changes at every step whatever ``interval`` is: that is its point).
    /// The decay starts after it and spans the rest of the run.
    public var warmup: Length

    /// A schedule; `every` must be positive, factors in (0, 1], and the warm-up non-negative.
    public init(_ decay: Decay = .cosine, per interval: Interval = .epoch, warmup: Length = .steps(0)) {
        switch decay {
        case let .step(every, factor): precondition(every > 0 && factor > 0 && factor <= 1, "invalid step decay \(decay)")
        case let .exponential(factor): precondition(factor > 0 && factor <= 1, "invalid exponential decay \(decay)")
        case .constant, .cosine: break
        }
        switch warmup {
        case let .steps(count): precondition(count >= 0, "negative warm-up")
        case let .epochs(epochs): precondition(epochs >= 0 && epochs.isFinite, "invalid warm-up")
        }
        self.decay = decay
        self.interval = interval
        self.warmup = warmup
    }

    /// The base rate throughout.
    public static let constant = LearningRateSchedule(.constant)
    /// Cosine decay from the base rate toward zero, changing once per epoch: epoch e of E trains
    /// at base·½(1 + cos(π(e − 1)/E)).
    public static let cosine = LearningRateSchedule(.cosine)

    /// The same decay after a linear warm-up of `length`.
    public func warmingUp(for length: Length) -> LearningRateSchedule {
        LearningRateSchedule(decay, per: interval, warmup: length)
    }

    /// The rate for the optimizer step `step` (0-based, counted over the whole run) of a run of
    /// `epochs` epochs of `stepsPerEpoch` steps each, starting from `base`.
    public func learningRate(base: Float, step: Int, stepsPerEpoch: Int, epochs: Int) -> Float {
        let stepsPerEpoch = max(stepsPerEpoch, 1), step = max(step, 0)
        let warmupSteps = warmup.steps(perEpoch: stepsPerEpoch)
        if step < warmupSteps { return base * Float(Double(step + 1) / Double(warmupSteps)) }
        // Positions and lengths in the decay's own intervals, counted from the end of the warm-up.
        let runSteps = stepsPerEpoch.multipliedReportingOverflow(by: max(epochs, 1))
        let decaySteps = max((runSteps.overflow ? Int.max / 2 : runSteps.partialValue) - warmupSteps, 1)
        let position: Int, length: Int
        switch interval {
        case .step: (position, length) = (step - warmupSteps, decaySteps)
        case .epoch:
            // Rounded up without `decaySteps + stepsPerEpoch - 1`, which overflowed for a run of Int.max epochs.
            (position, length) = ((step - warmupSteps) / stepsPerEpoch, decaySteps / stepsPerEpoch + (decaySteps % stepsPerEpoch == 0 ? 0 : 1))
        }
        switch decay {
        case .constant:
            return base
        case let .step(every, factor):
            return base * Float(pow(Double(factor), Double(position / every)))
        case let .exponential(factor):
            return base * Float(pow(Double(factor), Double(position)))
        case .cosine:
            // Past the end of the run the rate stays at the end of the half cosine.
            let progress = Double(min(position, length)) / Double(length)
            return base * Float(0.5 * (1 + cos(Double.pi * progress)))
        }
    }
}
