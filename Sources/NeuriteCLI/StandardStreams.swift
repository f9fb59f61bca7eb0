#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif

/// The process's own output streams, written through C's stdio rather than Foundation's
/// `FileHandle.write(_:)`, which stops the program when a write fails: `neurite train mnist
/// --bogus 2>/dev/full` died of SIGILL instead of exiting with status 64.
enum StandardStreams {
    /// Writes `text` to standard error. A failure is ignored: there is nowhere left to report it.
    static func printError(_ text: String) {
        fputs(text, stderr)
    }

    /// Throws when part of what was printed to standard output was lost, e.g. `neurite predict
    /// … > predictions.txt` on a full disk: the shell would otherwise see status 0 beside a
    /// truncated file. stdio remembers a failed write in the stream's error flag (a line-buffered
    /// stream drops the line, so only a flush that fails now can say why).
    static func checkOutputWritten() throws {
        let flushFailed = fflush(stdout) != 0
        let code = errno
        guard flushFailed || ferror(stdout) != 0 else { return }
        let reason = flushFailed ? String(cString: strerror(code)).lowercased() : "a write failed"
        throw CommandLineError(subject: "standard output", message: "cannot be written, \(reason); part of what this command printed is lost")
    }
}
