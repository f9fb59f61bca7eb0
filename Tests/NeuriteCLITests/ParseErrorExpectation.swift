import Testing
@testable import NeuriteCLI

/// Expects `neurite` to refuse `arguments` with a message, as the command prints it, that contains
/// `expected`.
func expectParseError(_ arguments: [String], contains expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let arguments = NeuriteCommand.joiningNegativeNumbers(arguments)
    do {
        _ = try NeuriteCommand.parseAsRoot(arguments)
        Issue.record("\(arguments) was accepted", sourceLocation: sourceLocation)
    } catch {
        let message = NeuriteCommand.message(for: error, arguments: arguments)
        #expect(message.contains(expected), "\(arguments): \(message)", sourceLocation: sourceLocation)
    }
}
