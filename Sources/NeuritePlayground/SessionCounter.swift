import Foundation

/// How many sessions are open, against the `--max-sessions` limit: a connection takes a place
/// before it gets a session and gives it back when it closes.
actor SessionCounter {
    /// The most sessions open at once.
    let maximum: Int
    /// The sessions open now.
    private(set) var open = 0

    init(maximum: Int) {
        self.maximum = maximum
    }

    /// Takes a place; false when all `maximum` are taken.
    func enter() -> Bool {
        guard open < maximum else { return false }
        open += 1
        return true
    }

    /// Gives a place back.
    func leave() {
        open -= 1
    }

    /// The training time of one slice (between two frames) when `open` sessions share the cores.
    ///
    /// While there are no more sessions than cores, each trains `base` per frame. Beyond that the
    /// slices shrink in proportion, down to `shortest`, so that every session keeps its frame
    /// rate (each gets fewer steps per frame instead of fewer frames): with 40 ms on 2 cores,
    /// 8 sessions train 10 ms per frame.
    func sliceDuration(base: Duration, shortest: Duration = .milliseconds(5)) -> Duration {
        let cores = max(ProcessInfo.processInfo.activeProcessorCount, 1)
        return max(base * cores / max(open, cores), shortest)
    }
}
