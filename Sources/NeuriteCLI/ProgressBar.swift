import Foundation

/// A one-line progress bar with throughput and time left, redrawn in place on a terminal.
/// When the output is not a terminal (a log file, CI) it draws nothing, so logs hold only the
/// per-epoch lines.
final class ProgressBar {
    private let total: Int
    private let isTerminal = isatty(STDOUT_FILENO) != 0
    private var label = ""
    private var started = ContinuousClock.now
    private var lastDrawn = ContinuousClock.now

    init(total: Int) { self.total = total }

    func start(label: String) {
        self.label = label
        started = .now
        lastDrawn = started - .seconds(1)
    }

    func update(_ done: Int) {
        guard isTerminal, ContinuousClock.now - lastDrawn > .milliseconds(100) || done == total else { return }
        lastDrawn = .now
        let elapsed = max((ContinuousClock.now - started).seconds, 1e-9)
        let rate = Double(done) / elapsed
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        let width = 30, filled = total > 0 ? width * done / total : width
        let bar = String(repeating: "=", count: filled) + (filled < width ? ">" + String(repeating: " ", count: width - filled - 1) : "")
        print(String(format: "\r%@ [%@] %d/%d  %.0f samples/s  ETA %.0fs ", label, bar, done, total, rate, remaining),
              terminator: "")
        fflush(nil)  // nil flushes every stream; naming stdout is not concurrency-safe in Swift 6
    }

    func finish() {
        guard isTerminal else { return }
        print("\r" + String(repeating: " ", count: 100) + "\r", terminator: "")
        fflush(nil)  // nil flushes every stream; naming stdout is not concurrency-safe in Swift 6
    }
}
