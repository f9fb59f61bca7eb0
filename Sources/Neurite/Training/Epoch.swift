/// What one epoch of training measured.
public struct EpochSummary: Sendable {
    /// The mean loss over the epoch's samples.
    public let loss: Double
    /// The accuracy on the batches as they were seen, before each one's update.
    public let accuracy: Double
    /// For each parameter, in model order, the mean over the epoch's steps of its gradient's norm
    /// (before clipping); empty unless requested. Norms that shrink toward the first layers show
    /// vanishing gradients, norms that grow show exploding ones.
    public let gradientNorms: [(name: String, norm: Double)]
    /// Whether the epoch ended early because of a ``StopRequest``; the figures cover the steps
    /// that ran.
    public let stopped: Bool
}

/// One pass over a classification set with mini-batch gradient descent and softmax cross-entropy:
/// one epoch of ``Layer/fit(_:loss:optimizer:epochs:batchSize:validationData:validationSplit:metrics:callbacks:seed:clipping:schedule:recordingGradientNorms:resumingFrom:)``'s
/// loop with ``Loss/crossEntropy`` and ``Metric/accuracy``, for code that drives epochs itself.
///
/// Accuracy is counted on each batch's outputs, which the loss computes anyway, so it costs
/// nothing extra. The model's layers stay in whatever mode they were set to.
/// - Parameters:
///   - clipping: when set, how gradients are bounded before each update.
///   - recordingGradientNorms: fill ``EpochSummary/gradientNorms`` (one pass over the gradients
///     per step).
///   - diagnostics: when set, measures layers around the updates (see ``TrainingDiagnostics``).
///   - progress: called after each batch with the number of samples done so far.
///
/// Before each step it checks ``StopRequest``: when a stop was requested (Ctrl-C), the epoch ends
/// there, with whole updates only, and the summary says ``EpochSummary/stopped``.
/// - Throws: ``TensorError/nonFinite(_:)`` as soon as the loss or a weight is NaN or infinite (a
///   learning rate too high, usually), rather than training on garbage.
public func trainEpoch<Model: Layer, Method: Optimizer>(
    _ model: inout Model, optimizer: inout Method, on dataset: Dataset, batchSize: Int, seed: UInt64,
    clipping: GradientClipping? = nil, recordingGradientNorms: Bool = false, diagnostics: TrainingDiagnostics? = nil,
    progress: (Int) -> Void = { _ in }
) throws -> EpochSummary {
    let loop = EpochLoop(loss: .crossEntropy, metrics: [.accuracy], clipping: clipping, recordingGradientNorms: recordingGradientNorms, epoch: nil, diagnostics: diagnostics)
    let outcome = try loop.run(
        model, optimizer: &optimizer, batches: dataset.batches(size: batchSize, shuffled: true, seed: seed), afterBatch: progress)
    return EpochSummary(loss: outcome.loss, accuracy: outcome.metrics["accuracy"] ?? 0, gradientNorms: outcome.gradientNorms, stopped: outcome.stopped)
}

/// One pass over a text with truncated backpropagation through time: the same loop as
/// ``trainEpoch(_:optimizer:on:batchSize:seed:clipping:recordingGradientNorms:diagnostics:progress:)``,
/// one update per window.
///
/// Each window's loss is the mean cross-entropy of every step's prediction of the next character;
/// its gradient flows back through the window's steps only. The state is carried from window to
/// window (detached), so the model reads each stream in order and its memory can reach further
/// back than the gradient does. The loss and accuracy are per character.
/// - Parameters:
///   - windows: from ``TextCorpus/windows(batchSize:sequenceLength:)``, in order.
///   - clipping: when set, how gradients are bounded before each update.
///   - recordingGradientNorms: fill ``EpochSummary/gradientNorms`` (norms before clipping).
///   - diagnostics: when set, measures layers around the updates (see ``TrainingDiagnostics``).
///   - learningRate: the rate for the i-th window (nil keeps the optimizer's), for schedules.
///   - progress: called after each window with the number of windows done.
///
/// A ``StopRequest`` ends the epoch between windows, as for datasets.
/// - Throws: ``TensorError/nonFinite(_:)`` as soon as the loss or a weight is NaN or infinite.
public func trainEpoch<Method: Optimizer>(
    _ model: inout CharacterLanguageModel, optimizer: inout Method, on windows: [TextWindow],
    clipping: GradientClipping? = nil, recordingGradientNorms: Bool = false, diagnostics: TrainingDiagnostics? = nil,
    learningRate: (Int) -> Float? = { _ in nil }, progress: (Int) -> Void = { _ in }
) throws -> EpochSummary {
    let loop = EpochLoop.text(clipping: clipping, recordingGradientNorms: recordingGradientNorms, diagnostics: diagnostics)
    let charactersPerWindow = windows.first?.targets.count ?? 1
    let outcome = try loop.run(
        model, optimizer: &optimizer, steps: TrainingStep.textWindows(windows), learningRate: learningRate,
        afterBatch: { characters in progress(characters / charactersPerWindow) })
    return EpochSummary(loss: outcome.loss, accuracy: outcome.metrics["accuracy"] ?? 0, gradientNorms: outcome.gradientNorms, stopped: outcome.stopped)
}
