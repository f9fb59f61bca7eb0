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

    /// The one line a command fails with, as `neurite` prints it (``CommandFailureTests``').
    func failure(_ arguments: [String]) -> String? { CommandFailureTests().failure(arguments) }

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

    @Test(arguments: [
        (["--plots", "/dev/null/plots"], "error: --plots: /dev/null/plots: cannot be created, not a directory"),
        (["--checkpoint", "/dev/null/run"], "error: --checkpoint: /dev/null/run: cannot be created, not a directory"),
        (["--diagnostics", "/dev/null/run.jsonl"], "error: /dev/null/run.jsonl: cannot be written, not a directory"),
        (["--diagnostics", full], "error: /dev/full: cannot be written, no space left on device"),
    ])
    func trainingNamesTheOutputThatCannotBeWritten(_ options: [String], _ expected: String) {
        guard FileManager.default.fileExists(atPath: Self.full) else { return }
        let message = failure(["train", "mnist", "--data-dir", Self.data.path, "--epochs", "1", "--hidden", "4"] + options)
        #expect(message == expected)
    }

    /// The folders are checked before the work: a plain file where a folder should be, and lab's
    /// folder. (Lab's experiments take seconds even with --quick; this fails at once.)
    @Test func foldersAreCheckedFirst() throws {
        let file = Self.data.appendingPathComponent("train-labels-idx1-ubyte").path
        #expect(failure(["train", "mnist", "--data-dir", Self.data.path, "--checkpoint", file])
                == "error: --checkpoint: expected a folder, found a file \(file)")
        #expect(failure(["lab", "vanishing", "--output", "/dev/null/lab"]) == "error: --output: /dev/null/lab: cannot be created, not a directory")
    }

    /// Foundation's own file errors, wherever they come from, read like the library's.
    @Test func foundationFileErrorsAreOneLine() throws {
        let outOfSpace = CocoaError(.fileWriteOutOfSpace, userInfo: [NSFilePathErrorKey: "/plots/curves.png"])
        #expect(NeuriteCommand.message(for: outOfSpace) == "error: /plots/curves.png: cannot be written, no space left on device")
        let notAFolder: any Error
        do { try FileManager.default.createDirectory(atPath: "/dev/null/x", withIntermediateDirectories: true); return } catch { notAFolder = error }
        #expect(NeuriteCommand.message(for: notAFolder) == "error: /dev/null/x: cannot be written, not a directory")
    }
}
