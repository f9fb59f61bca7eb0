import Foundation
import Neurite
import Testing
@testable import NeuriteCLI

/// Outputs that cannot be written: a full disk (`/dev/full`, where every write fails with
/// ENOSPC), a folder that cannot be made. Each is one `error:` line naming the file or option,
/// known before training where it can be, and never a crash.
@Suite("unwritable outputs", .serialized)
struct UnwritableOutputTests {
    static let data = try! SyntheticDigits.write(trainCount: 60, testCount: 20)
    static let full = "/dev/full"

    func failure(_ arguments: [String]) -> String? {
        do {
            var command = try NeuriteCommand.parseAsRoot(arguments)
            try command.run()
            return nil
        } catch {
            return NeuriteCommand.message(for: error, arguments: arguments)
        }
    }

    /// Runs the real executable with standard output (or error) on `/dev/full`; its exit status
    /// (nil when a signal ended it) and what it wrote to the other stream.
    func run(_ arguments: [String], outputOnFullDevice: Bool) throws -> (status: Int32?, other: String) {
        let executable = try #require(CommandFailureTests.neuriteExecutable(), "the neurite executable was not built next to the tests")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let full = try #require(FileHandle(forWritingAtPath: Self.full)), other = Pipe()
        process.standardOutput = outputOnFullDevice ? full : other
        process.standardError = outputOnFullDevice ? other : full
        try process.run()
        let text = String(decoding: other.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationReason == .exit ? process.terminationStatus : nil, text)
    }

    /// Foundation's `FileHandle.write(_:)` stopped the program (SIGILL) when standard error could
    /// not take the error line; a lost standard output exited 0 beside a truncated file.
    @Test func aFullStandardStreamIsAnExitStatusNotACrash() throws {
        guard FileManager.default.fileExists(atPath: Self.full) else { return }  // Linux only
        #expect(try run(["train", "mnist", "--bogus"], outputOnFullDevice: false).status == 64)
        let lost = try run(["summary", "lenet"], outputOnFullDevice: true)
        #expect(lost.status == 1)
        #expect(lost.other == "error: standard output: cannot be written, a write failed; part of what this command printed is lost\n")
        #expect(try run(["summary", "lenet"], outputOnFullDevice: false).status == 0)
    }
}
