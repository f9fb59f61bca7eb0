/// Stops training when the monitored figure has not improved for `patience` epochs, and puts
/// back the weights of the best epoch.
///
/// An epoch improves when its score beats the best so far by more than `minDelta`. Training
/// past the best epoch only overfits (validation loss rising while training loss falls), so by
/// default the weights of the best epoch are kept in memory (``Layer/state``) and restored when
/// training ends, whether it stopped early or ran all its epochs.
///
/// After a resume the counters are rebuilt from the checkpoint's history; the best weights kept
/// in memory are only those seen since the resume.
public final class EarlyStopping: TrainingCallback {
    /// Epochs without improvement tolerated before stopping.
    public let patience: Int
    /// The least decrease of the score that counts as an improvement.
    public let minDelta: Double
    /// Whether to restore the best epoch's weights at the end.
    public let restoreBest: Bool
    /// What is watched.
    public let monitor: Monitor
    /// The best epoch so far.
    public private(set) var bestEpoch: Int?
    /// The epoch after which training was stopped, if it was.
    public private(set) var stoppedEpoch: Int?
    private var bestScore = Double.infinity
    private var epochsWithoutImprovement = 0
    private var bestState: [String: Tensor]?

    /// - Parameters:
    ///   - patience: epochs without improvement before stopping, at least 1.
    ///   - minDelta: the least improvement that counts, ≥ 0.
    ///   - restoreBest: restore the best epoch's weights when training ends.
    ///   - monitor: the figure watched, the validation loss by default.
    public init(patience: Int, minDelta: Double = 0, restoreBest: Bool = true, monitor: Monitor = .validationLoss) {
        precondition(patience >= 1 && minDelta >= 0, "early stopping needs patience ≥ 1 and minDelta ≥ 0")
        self.patience = patience
        self.minDelta = minDelta
        self.restoreBest = restoreBest
        self.monitor = monitor
    }

    public func trainingBegan(_ run: TrainingRun) throws {
        bestEpoch = nil
        stoppedEpoch = nil
        bestScore = .infinity
        epochsWithoutImprovement = 0
        bestState = nil
        for record in run.history.epochs { try observe(record, run: nil) }
    }

    public func epochEnded(_ record: History.Epoch, run: TrainingRun) throws {
        try observe(record, run: run)
        if epochsWithoutImprovement >= patience {
            stoppedEpoch = record.epoch
            run.stopRequested = true
        }
    }

    public func trainingEnded(_ run: TrainingRun) throws {
        if restoreBest, let bestState, bestEpoch != run.history.last?.epoch { try run.loadModelState(bestState) }
    }

    /// Updates the best score and the count of epochs without improvement; keeps the weights
    /// when `run` is given (a live epoch, not one replayed from a checkpoint's history).
    private func observe(_ record: History.Epoch, run: TrainingRun?) throws {
        let score = try monitor.score(of: record)
        if score < bestScore - minDelta {
            bestScore = score
            bestEpoch = record.epoch
            epochsWithoutImprovement = 0
            bestState = restoreBest ? run?.modelState : nil
        } else {
            epochsWithoutImprovement += 1
        }
    }
}
