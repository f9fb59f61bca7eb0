import Foundation

/// Writes a ``Checkpoint`` every `every` epochs, or whenever the monitored figure improves, so a
/// run can be resumed with `fit(…, resumingFrom: directory)` or `neurite train … --resume`.
///
/// The non-finite guard stops training before a diverged epoch ends, so the last checkpoint
/// written is always of good weights.
///
/// The directory is locked (`flock(2)` on the folder itself, so no file is added to it) from the
/// start of training to its end: a second run given the same folder stops at its start instead
/// of replacing the first one's checkpoints with its own and deleting its older epochs. The lock
/// goes with the process, so a run that was killed leaves none behind.
public final class Checkpointing: TrainingCallback {
    /// Where the checkpoint is written.
    public let directory: URL
    /// Write after every this many epochs (and after the last one).
    public let every: Int
    /// When set, write only when this figure improves instead.
    public let best: Monitor?
    private var bestScore = Double.infinity
    /// The directory opened and locked while a run trains, else -1.
    private var lockedDirectory: Int32 = -1

    /// - Parameters:
    ///   - directory: the checkpoint directory (one checkpoint, replaced each time).
    ///   - every: epochs between checkpoints, at least 1.
    ///   - best: write only on epochs where this figure improves on every earlier one.
    public init(directory: URL, every: Int = 1, best: Monitor? = nil) {
        precondition(every >= 1, "checkpoints need every ≥ 1")
        self.directory = directory
        self.every = every
        self.best = best
    }

    deinit { unlock() }

    public func trainingBegan(_ run: TrainingRun) throws {
        try lock()
        bestScore = .infinity
        if let best { for record in run.history.epochs { bestScore = min(bestScore, try best.score(of: record)) } }
    }

    public func epochEnded(_ record: History.Epoch, run: TrainingRun) throws {
        if let best {
            let score = try best.score(of: record)
            guard score < bestScore else { return }
            bestScore = score
        } else {
            guard record.epoch % every == 0 || record.epoch == run.epochs else { return }
        }
        try run.checkpoint(epoch: record.epoch).write(to: directory)
    }

    public func trainingEnded(_ run: TrainingRun) throws { unlock() }

    /// Takes the directory's lock, making the directory first. Only another holder is an error:
    /// a folder that cannot be opened, or a file system without locks, leaves the run unlocked
    /// (the first write reports a folder it cannot write to).
    private func lock() throws {
        guard lockedDirectory < 0 else { return }
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw SerializationError.unwritable(directory, reason: describeFileError(error))
        }
        let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            close(descriptor)
            if busy {
                throw SerializationError.unwritable(
                    directory, reason: "another training run is writing its checkpoints there (two runs in one folder would delete each other's)")
            }
            return
        }
        lockedDirectory = descriptor
    }

    private func unlock() {
        guard lockedDirectory >= 0 else { return }
        close(lockedDirectory)  // closing the last descriptor of the open file releases the lock
        lockedDirectory = -1
    }
}
