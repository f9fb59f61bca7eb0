/// The text form of a schedule, as the command line takes it and ``description`` prints it:
///
/// - `constant`, `cosine`, `step:N:γ` (×γ every N intervals), `exponential:γ` (×γ each interval);
/// - followed by `/epoch` (the default: the rate changes once per epoch) or `/step` (at every
///   step): `cosine/step`, `step:2:0.5`, `exponential:0.9999/step`.
///
/// The warm-up is not part of the text; ``description`` adds it in words.
extension LearningRateSchedule: CustomStringConvertible {
    /// Parses the text form above, with no warm-up.
    /// - Throws: ``TensorError/invalidArgument(_:)`` saying what is wrong and what is accepted.
    public init(parsing text: String) throws {
        let accepted = "use constant, cosine, step:N:FACTOR or exponential:FACTOR, optionally followed by /step or /epoch"
        let halves = text.lowercased().split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count <= 2 else { throw TensorError.invalidArgument("schedule '\(text)': \(accepted)") }
        var interval = Interval.epoch
        if halves.count == 2 {
            guard let parsed = Interval(rawValue: String(halves[1])) else {
                throw TensorError.invalidArgument("schedule '\(text)': '\(halves[1])' is not step or epoch")
            }
            interval = parsed
        }
        let parts = halves[0].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func factor(_ word: String) throws -> Float {
            guard let value = Float(word), value > 0, value <= 1 else {
                throw TensorError.invalidArgument("schedule '\(text)': the factor must be a number in (0, 1], got '\(word)'")
            }
            return value
        }
        switch (parts[0], parts.count) {
        case ("constant", 1): self.init(.constant, per: interval)
        case ("cosine", 1): self.init(.cosine, per: interval)
        case ("exponential", 2): self.init(.exponential(factor: try factor(parts[1])), per: interval)
        case ("step", 3):
            guard let every = Int(parts[1]), every > 0 else {
                throw TensorError.invalidArgument("schedule '\(text)': N in step:N:FACTOR must be a positive whole number, got '\(parts[1])'")
            }
            self.init(.step(every: every, factor: try factor(parts[2])), per: interval)
        default:
            throw TensorError.invalidArgument("schedule '\(text)': \(accepted)")
        }
    }

    /// The text form, then the warm-up in words: `cosine`, `step:2:0.5/step, after 500 warm-up steps`.
    public var description: String {
        var text: String
        switch decay {
        case .constant: text = "constant"
        case .cosine: text = "cosine"
        case let .step(every, factor): text = "step:\(every):\(factor)"
        case let .exponential(factor): text = "exponential:\(factor)"
        }
        if interval == .step { text += "/step" }
        switch warmup {
        case .steps(0), .epochs(0): return text
        case let .steps(count): return text + ", after \(count) warm-up step\(count == 1 ? "" : "s")"
        case let .epochs(epochs): return text + ", after \(epochs.formatted()) warm-up epoch\(epochs == 1 ? "" : "s")"
        }
    }
}

private extension Double {
    /// `1` rather than `1.0`, `0.5` as is.
    func formatted() -> String { self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self) }
}
