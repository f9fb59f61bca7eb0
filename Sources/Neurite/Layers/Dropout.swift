/// Inverted dropout: while training, each input is zeroed with probability `rate` and the kept
/// ones are scaled by 1/(1 − rate); in evaluation it is the identity.
///
/// Zeroing random units stops units from relying on particular others (co-adaptation), which
/// regularises like training an ensemble of thinned networks. Scaling the survivors during
/// training keeps every unit's expected value unchanged, so evaluation needs no rescaling.
/// The gradient flows through the same mask: dropped units get none.
public struct Dropout: Layer {
    /// The probability of dropping each unit while training.
    public let rate: Float
    /// Training or evaluation; see ``Layer/setMode(_:)``.
    public let modeSwitch = LayerModeSwitch()
    private let random: RandomSource

    /// - Parameters:
    ///   - rate: the probability of dropping each unit, in `[0, 1)`.
    ///   - seed: makes the sequence of masks reproducible; by default the seed is drawn from the
    ///     global generator (see ``seed(_:)``).
    public init(_ rate: Float, seed: UInt64? = nil) {
        precondition(rate >= 0 && rate < 1, "Dropout rate must be in [0, 1), got \(rate)")
        self.rate = rate
        random = RandomSource(seed: GlobalRandom.seed(seed))
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        guard modeSwitch.current == .training, rate > 0 else { return input }
        let keep = 1 / (1 - rate)
        var mask = Tensor(uninitializedShape: input.shape)
        mask.withUnsafeMutableBuffer { buffer in
            for index in buffer.indices { buffer[index] = random.generator.nextUnitFloat() < rate ? 0 : keep }
        }
        return input * mask
    }
}

/// The generator a layer draws from across calls: a class, because a layer's call is not mutating.
final class RandomSource: @unchecked Sendable {
    var generator: RandomGenerator
    init(seed: UInt64) { generator = RandomGenerator(seed: seed) }
    /// A source continuing from `generator`'s state (how ``Layer/copy()`` copies a dropout layer).
    init(generator: RandomGenerator) { self.generator = generator }
}
