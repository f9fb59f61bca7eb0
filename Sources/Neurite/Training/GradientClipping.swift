/// How gradients are bounded before each update, the remedy for exploding gradients.
public enum GradientClipping: Sendable, Equatable {
    /// All gradients scaled together so that their global norm is at most this (keeps the
    /// update's direction). See ``Gradients/clipped(toNorm:)``.
    case norm(Float)
    /// Every component limited to `[-N, N]` (changes the direction; bounds single values).
    /// See ``Gradients/clipped(toValue:)``.
    case value(Float)

    /// `gradients` bounded by this rule.
    public func apply(to gradients: Gradients) -> Gradients {
        switch self {
        case let .norm(maximum): return gradients.clipped(toNorm: maximum)
        case let .value(limit): return gradients.clipped(toValue: limit)
        }
    }
}
