import Foundation

/// Writes a ``Checkpoint`` every `every` epochs, or whenever the monitored figure improves, so a
/// run can be resumed with `fit(…, resumingFrom: directory)` or `neurite train … --resume`.
///
/// The non-finite guard stops training before a diverged epoch ends, so the last checkpoint
/// written is always of good weights.
public final class Checkpointing: TrainingCallback {
    /// Where the checkpoint is written.
    public let directory: URL
    /// Write after every this many epochs (and after the last one).
    public let every: Int
    /// When set, write only when this figure improves instead.
    public let best: Monitor?
    private var bestScore = Double.infinity

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

    public func trainingBegan(_ run: TrainingRun) throws {
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
}
