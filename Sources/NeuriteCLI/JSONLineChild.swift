import Foundation

/// A child process that answers in JSON lines on its standard output: a peer benchmark
/// (`scripts/peer_bench.py`), a `--processes` copy of `neurite bench`, a training run.
final class JSONLineChild {
    /// Why a child gave no answer: not installed, failed, or printed something unexpected.
    struct Unavailable: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }

    let process = Process()
    /// When the child was started: the origin of time-to-accuracy figures.
    private(set) var started = ContinuousClock.now
    private let requests = Pipe(), replies = Pipe(), errors = Pipe()
    private var pending = Data()

    init(executable: String, arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = requests
        process.standardOutput = replies
        process.standardError = errors
        // A child that died must make the next request throw EPIPE, not kill this process.
        signal(SIGPIPE, SIG_IGN)
        started = ContinuousClock.now
        do { try process.run() } catch { throw Unavailable(reason: "\(executable) could not be started: \(error.localizedDescription)") }
    }

    deinit {
        try? requests.fileHandleForWriting.close()  // end of input: a serving child's loop ends
        if process.isRunning { process.waitUntilExit() }
    }

    func send(_ line: String) throws {
        try requests.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
    }

    /// The next line of output; nil at its end. Lines that are not JSON are returned as text.
    func readLine() throws -> String? {
        while !pending.contains(UInt8(ascii: "\n")) {
            let chunk = replies.fileHandleForReading.availableData
            if chunk.isEmpty {
                guard !pending.isEmpty else { return nil }
                pending.append(UInt8(ascii: "\n"))
                break
            }
            pending.append(chunk)
        }
        let newline = pending.firstIndex(of: UInt8(ascii: "\n"))!
        let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
        pending = Data(pending[pending.index(after: newline)...])
        return line
    }

    /// The next JSON object the child printed; at end of output, its last error line as the reason.
    func readReply() throws -> [String: Any] {
        while let line = try readLine() {
            if let reply = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] { return reply }
        }
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let lastLine = message.split(separator: "\n").last.map(String.init) ?? "exit status \(process.terminationStatus)"
        throw Unavailable(reason: process.terminationStatus == 127 ? "not installed" : "failed: \(lastLine)")
    }

    /// The child's peak resident memory so far in bytes (VmHWM of /proc; nil where there is no /proc).
    var peakResidentBytes: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "")
        else { return nil }
        return kilobytes * 1024
    }

    /// Stops the child now (its answer is in) and reaps it.
    func stop() {
        if process.isRunning { process.terminate() }
        try? requests.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
