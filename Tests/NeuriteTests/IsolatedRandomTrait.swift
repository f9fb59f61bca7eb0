import Testing
@testable import Neurite

/// Gives each test of a suite a global generator of its own. Examples that call `Neurite.seed`
/// promise the same weights on every run; on the shared generator, layers created by tests running
/// in parallel drew from the seeded stream between the call and the example's own layers, so an
/// article's network started from other weights now and then (accuracy 0.78 against its 0.8 floor).
struct IsolatedRandom: TestTrait, SuiteTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        try await GlobalRandom.$isolated.withValue(GlobalRandom()) { try await function() }
    }
}

extension Trait where Self == IsolatedRandom {
    /// Runs each test with a global generator of its own (see ``IsolatedRandom``).
    static var isolatedRandom: Self { IsolatedRandom() }
}
