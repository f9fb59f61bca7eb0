import Foundation

extension CharacterLanguageModel {
    /// Trains the model on the windows of a text for `epochs` passes, with everything
    /// ``Layer/fit(_:loss:optimizer:epochs:batchSize:validationData:validationSplit:metrics:callbacks:seed:clipping:schedule:recordingGradientNorms:diagnostics:resumingFrom:communicator:)``
    /// offers a dataset: callbacks (progress, ``EarlyStopping``, ``Checkpointing``), learning-rate
    /// schedules, clipping, gradient norms, diagnostics, stop requests and resuming. It is the same
    /// epoch driver and loop; only the steps differ: each epoch reads `windows` in order with the
    /// state carried from window to window (truncated backpropagation through time, see
    /// ``trainEpoch(_:optimizer:on:clipping:recordingGradientNorms:diagnostics:learningRate:progress:)``),
    /// so the loss and the accuracy are per character.
    ///
    /// - Parameters:
    ///   - windows: from ``TextCorpus/windows(batchSize:sequenceLength:)``.
    ///   - validationWindows: measured after every epoch with ``evaluate(on:)``, e.g. the windows of
    ///     the end of the text (``TextCorpus/split(validationFraction:)``).
    ///   - seed: identifies the run in checkpoints, with the number of streams (the windows are
    ///     not shuffled: nothing else is random).
    ///   - resumingFrom: a ``Checkpoint`` directory written by an earlier run over the same
    ///     windows with the same seed; the state restarts from zeros each epoch, so the model,
    ///     optimizer and history are all a resume needs.
    /// - Throws: ``TensorError`` for no windows or no epochs, or when the loss or a weight becomes
    ///   NaN or infinite; ``SerializationError`` for a checkpoint that cannot be read; what a
    ///   callback throws.
    @discardableResult
    public func fit<Method: Optimizer>(
        _ windows: [TextWindow], optimizer: Method, epochs: Int, validationWindows: [TextWindow]? = nil,
        callbacks: [any TrainingCallback] = [], seed: UInt64 = 0, clipping: GradientClipping? = nil,
        schedule: LearningRateSchedule = .constant, recordingGradientNorms: Bool = false,
        diagnostics: TrainingDiagnostics? = nil, resumingFrom checkpoint: URL? = nil
    ) throws -> History {
        guard epochs > 0, let first = windows.first else { throw TensorError.invalidArgument("fit needs epochs > 0 and at least one window") }
        try checkFits(first)
        let loop = EpochLoop.text(clipping: clipping, recordingGradientNorms: recordingGradientNorms, diagnostics: diagnostics)
        return try trainEpochs(
            loop, optimizer: optimizer, epochs: epochs, samplesPerEpoch: windows.count * first.targets.count, stepsPerEpoch: windows.count,
            batchSize: first.inputs.count, callbacks: callbacks, seed: seed, schedule: schedule, resumingFrom: checkpoint,
            steps: { _ in TrainingStep.textWindows(windows) },
            validate: validationWindows.map { validation in { try self.evaluate(on: validation) } })
    }

    /// The mean cross-entropy per character and the next-character accuracy (`"accuracy"`) on
    /// `windows` read in order with the state carried across them, without gradients.
    public func evaluate(on windows: [TextWindow]) throws -> (loss: Double, metrics: [String: Double]) {
        if let first = windows.first { try checkFits(first) }
        return try withoutGradient {
            var state: RecurrentState?, total: Double = 0, correct = 0, count = 0
            for window in windows {
                let result = try logits(oneHot(window.inputs), from: state)
                state = result.state
                total += Double(try crossEntropy(logits: result.logits, labels: window.targets).scalar) * Double(window.targets.count)
                correct += zip(result.logits.argmaxIndices(alongAxis: -1), window.targets).filter { $0 == $1 }.count
                count += window.targets.count
            }
            return (total / Double(max(count, 1)), ["accuracy": Double(correct) / Double(max(count, 1))])
        }
    }

    /// The mean cross-entropy per character and the next-character accuracy over all of
    /// `corpus`, read as one stream from its first character: every character after the first
    /// is predicted once. (``evaluate(on:)`` with ``TextCorpus/windows(batchSize:sequenceLength:)``
    /// leaves out the end that does not fill a window.)
    /// - Throws: ``TensorError/invalidArgument(_:)`` when `corpus` has another vocabulary than the
    ///   model (build it with ``TextCorpus/init(_:vocabulary:)``).
    public func evaluate(on corpus: TextCorpus) throws -> (loss: Double, metrics: [String: Double]) {
        guard corpus.vocabulary == vocabulary else {
            throw TensorError.invalidArgument("the text's vocabulary of \(corpus.vocabulary.count) characters is not the model's \(vocabulary.count)")
        }
        // The state is carried across windows, so their length changes only the float rounding;
        // 256 keeps a window's tensors small whatever the vocabulary.
        let ids = corpus.ids, length = 256
        let windows = stride(from: 0, to: ids.count - 1, by: length).map { start in
            let end = min(start + length, ids.count - 1)
            return TextWindow(inputs: [Array(ids[start..<end])], targets: Array(ids[start + 1...end]))
        }
        return try evaluate(on: windows)
    }

    /// Refuses a window whose step cannot fit in memory before any of it is allocated. The batch,
    /// the window's length and the vocabulary all come from outside (options, the text), and a
    /// step holds several `[batch · time, vocabulary]` tensors (the one-hot input, the logits,
    /// their softmax and its gradient) and several `[batch · time, gates · hidden]` ones: 1024
    /// windows of 1024 characters over 20,000 characters asked for 84 GB at the first one-hot.
    private func checkFits(_ window: TextWindow) throws {
        let batch = window.inputs.count, time = window.inputs.first?.count ?? 0
        let width = 4 * vocabulary.count + 4 * cell.gateCount * recurrent.hiddenSize
        let what = "a step of \(batch) × \(time) characters over a vocabulary of \(vocabulary.count)"
        if let problem = SizeLimit.problem(floats: SizeLimit.elementCount([batch, time, width]), what: what) { throw TensorError.invalidArgument(problem) }
    }
}
