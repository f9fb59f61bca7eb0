import Foundation

/// Seeds the generator that every layer, initializer and dropout mask draws from when it is not
/// given a `seed:` of its own, like `torch.manual_seed`: after `Neurite.seed(1)`, the same program
/// builds the same weights and prints the same numbers.
///
/// ```swift
/// Neurite.seed(1)
/// let model = Sequential { Dense(2, 8, activation: .relu); Dense(8, 1) }   // the same weights every run
/// ```
/// Without a call the generator starts from a random seed, so unseeded programs differ from run
/// to run. Each layer takes one 64-bit seed from the global generator when it is created and then
/// draws from a generator of its own, so the order in which layers are *used* does not matter —
/// only the order in which they are created. An explicit `seed:` leaves the global generator
/// untouched.
public func seed(_ value: UInt64) {
    GlobalRandom.current.reseed(value)
}

/// The process-wide generator behind ``seed(_:)``.
final class GlobalRandom: @unchecked Sendable {
    static let shared = GlobalRandom()

    /// A generator that replaces the shared one within a task: tests of ``seed(_:)`` use one, so
    /// that layers created by tests running in parallel do not draw from the stream they check.
    @TaskLocal static var isolated: GlobalRandom?

    static var current: GlobalRandom { isolated ?? shared }

    // NSLock: layers may be created from several threads; every access goes through the lock.
    private let lock = NSLock()
    private var generator = RandomGenerator(seed: UInt64.random(in: .min ... .max))

    func reseed(_ value: UInt64) {
        lock.lock()
        defer { lock.unlock() }
        generator = RandomGenerator(seed: value)
    }

    /// The seed for one new layer or tensor: `explicit` when given, else the next global draw.
    static func seed(_ explicit: UInt64? = nil) -> UInt64 {
        if let explicit { return explicit }
        return current.next()
    }

    private func next() -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return generator.next()
    }
}
