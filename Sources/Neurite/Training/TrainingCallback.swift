/// Code that ``Layer/fit(_:loss:optimizer:epochs:batchSize:validationData:validationSplit:metrics:callbacks:seed:clipping:schedule:recordingGradientNorms:resumingFrom:)``
/// calls as training proceeds: a progress display, ``EarlyStopping``, ``Checkpointing``, a log
/// line per epoch (``EpochEndCallback``), or your own.
///
/// Every method has an empty default, so a callback implements only the moments it needs.
/// Callbacks are classes because most keep state across calls (the best loss so far, the epochs
/// without improvement) that is worth reading after training.
public protocol TrainingCallback: AnyObject {
    /// Before the first epoch (of this call; after a resume, the first epoch still to train).
    func trainingBegan(_ run: TrainingRun) throws
    /// Before epoch `epoch`'s first batch.
    func epochBegan(_ epoch: Int, run: TrainingRun) throws
    /// After each batch's update, with the number of the epoch's samples done so far.
    func batchEnded(samplesDone: Int, run: TrainingRun)
    /// After an epoch and its validation, once `record` is in ``TrainingRun/history``.
    /// Set ``TrainingRun/stopRequested`` to end training after this epoch.
    func epochEnded(_ record: History.Epoch, run: TrainingRun) throws
    /// After the last epoch, or after the epoch where a callback asked to stop.
    func trainingEnded(_ run: TrainingRun) throws
}

extension TrainingCallback {
    public func trainingBegan(_ run: TrainingRun) throws {}
    public func epochBegan(_ epoch: Int, run: TrainingRun) throws {}
    public func batchEnded(samplesDone: Int, run: TrainingRun) {}
    public func epochEnded(_ record: History.Epoch, run: TrainingRun) throws {}
    public func trainingEnded(_ run: TrainingRun) throws {}
}

/// What callbacks see of a run in progress, and how they act on it.
public final class TrainingRun {
    /// The number of epochs the run trains in all.
    public let epochs: Int
    /// Samples per epoch (the training part).
    public let samplesPerEpoch: Int
    /// The run's seed, from which each epoch's shuffle is derived.
    public let seed: UInt64
    /// The batch size.
    public let batchSize: Int
    /// The epochs trained so far (including those of a checkpoint resumed from).
    public internal(set) var history: History
    /// Set by a callback to end training after the current epoch.
    public var stopRequested = false

    private let readModel: () -> [String: Tensor]
    private let writeModel: ([String: Tensor]) throws -> Void
    let readOptimizer: () -> [String: Tensor]
    let readRandomState: () -> [String: [UInt64]]

    init(
        epochs: Int, samplesPerEpoch: Int, seed: UInt64, batchSize: Int, history: History,
        readModel: @escaping () -> [String: Tensor], writeModel: @escaping ([String: Tensor]) throws -> Void,
        readOptimizer: @escaping () -> [String: Tensor], readRandomState: @escaping () -> [String: [UInt64]]
    ) {
        self.epochs = epochs
        self.samplesPerEpoch = samplesPerEpoch
        self.seed = seed
        self.batchSize = batchSize
        self.history = history
        self.readModel = readModel
        self.writeModel = writeModel
        self.readOptimizer = readOptimizer
        self.readRandomState = readRandomState
    }

    /// The model's parameters now, as a value (see ``Layer/state``).
    public var modelState: [String: Tensor] { readModel() }

    /// Puts `state` back into the model (see ``Layer/load(_:)``).
    public func loadModelState(_ state: [String: Tensor]) throws { try writeModel(state) }

    /// The run as it stands after `epoch`, to be written to a checkpoint directory.
    public func checkpoint(epoch: Int) -> Checkpoint {
        Checkpoint(
            epoch: epoch, seed: seed, batchSize: batchSize, history: history, modelState: modelState,
            optimizerState: readOptimizer(), randomState: readRandomState())
    }
}

/// A callback made of one closure called after every epoch: a log line, a plot, a custom stop rule.
public final class EpochEndCallback: TrainingCallback {
    private let body: (History.Epoch, TrainingRun) throws -> Void

    /// Calls `body` with each epoch's record and the run.
    public init(_ body: @escaping (History.Epoch, TrainingRun) throws -> Void) { self.body = body }

    public func epochEnded(_ record: History.Epoch, run: TrainingRun) throws { try body(record, run) }
}

/// A callback that reports each batch's progress to a closure, e.g. a progress bar.
public final class ProgressCallback: TrainingCallback {
    private let began: (Int, TrainingRun) -> Void, advanced: (Int) -> Void

    /// `began` is called with each epoch's number before it starts, `advanced` with the samples
    /// done after each batch.
    public init(epochBegan began: @escaping (Int, TrainingRun) -> Void, advanced: @escaping (Int) -> Void) {
        self.began = began
        self.advanced = advanced
    }

    public func epochBegan(_ epoch: Int, run: TrainingRun) throws { began(epoch, run) }
    public func batchEnded(samplesDone: Int, run: TrainingRun) { advanced(samplesDone) }
}
