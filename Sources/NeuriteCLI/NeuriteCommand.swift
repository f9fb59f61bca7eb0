import ArgumentParser
import Foundation
import Neurite

@main
struct NeuriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neurite",
        abstract: "Build, train and inspect neural networks.",
        subcommands: [
            Train.self, Evaluate.self, Predict.self, Summary.self, Sample.self, LabCommand.self, Bench.self,
            ImportTorch.self, ExportTorch.self, ImportONNX.self, ExportONNX.self,
        ]
    )

    /// The entry point: ArgumentParser's, plus what a long-running tool needs around it.
    /// - stdout is line-buffered, so a log redirected to a file holds every epoch line even
    ///   when the run is interrupted;
    /// - Ctrl-C and SIGTERM request a stop between training steps (``StopRequest``);
    /// - every failure is one line, `error: <file or option>: <expected>, <found>`, and an exit
    ///   status of 1 (64 for a command line that does not parse), never a signal: a write past
    ///   the file size limit (`ulimit -f`) fails with EFBIG and is reported, where SIGXFSZ
    ///   would have killed the process and left the save's temporary file behind.
    static func main() {
        StopRequest.lineBufferStandardOutput()
        StopRequest.installSignalHandlers()
        signal(SIGXFSZ, SIG_IGN)
        let arguments = joiningNegativeNumbers(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            try StandardStreams.checkOutputWritten()
        } catch {
            let code = exitCode(for: error)
            // --help and --version: ArgumentParser prints them and exits 0.
            if code == .success { exit(withError: error) }
            let text = message(for: error, arguments: arguments)
            if !text.isEmpty { StandardStreams.printError(text + "\n") }
            Foundation.exit(code.rawValue)
        }
    }
}
