import Foundation

extension Layer {
    /// Trains the model on `data` for `epochs` passes and returns what each epoch measured.
    ///
    /// ```swift
    /// let history = try model.fit(data, loss: .meanSquaredError, optimizer: SGD(learningRate: 0.01),
    ///                             epochs: 200, batchSize: 32, validationSplit: 0.1)
    /// ```
    ///
    /// Each epoch shuffles the training samples with the seed `seed + epoch`, takes one
    /// optimizer step per batch (the learning rate set by `schedule` before every step, gradients
    /// bounded by `clipping`), then measures the validation data in evaluation mode. Layers train
    /// in training mode (dropout on) whatever mode they were set to.
    ///
    /// - Parameters:
    ///   - data: inputs and targets; `loss` says what the targets must be.
    ///   - loss: the loss, paired with the model's output head (see ``Loss``).
    ///   - optimizer: its learning rate is the base rate of `schedule`.
    ///   - validationData: measured after every epoch; or
    ///   - validationSplit: the fraction of `data` held out for validation (drawn with `seed`).
    ///   - metrics: measured on the training predictions and on the validation data each epoch.
    ///   - callbacks: progress, ``EarlyStopping``, ``Checkpointing``, ``EpochEndCallback``, …
    ///   - seed: the run's seed: the split and every epoch's shuffle derive from it.
    ///   - recordingGradientNorms: fill ``History/Epoch/gradientNorms``.
    ///   - diagnostics: when set, measures every layer around the updates (``TrainingDiagnostics``).
    ///   - resumingFrom: a ``Checkpoint`` directory written by an earlier run with the same seed
    ///     and batch size: the model, optimizer and history are restored and training continues
    ///     after its epoch, exactly as the uninterrupted run would have.
    ///   - communicator: the processes training together (``Communicator/fromEnvironment()``
    ///     under `mpirun`). With more than one rank, rank 0's parameters are copied to all at the
    ///     start, `batchSize` is the global batch, each rank trains on its shard of every batch,
    ///     the gradients are averaged before each update (in buckets started during the backward
    ///     pass, ``Communicator/bucketCapacity``), batch norm takes the global batch's statistics,
    ///     and the epoch's loss and metrics cover all ranks. Give callbacks that print or save on
    ///     rank 0 only. The default trains in this process alone.
    /// - Throws: ``TensorError`` for data the loss or metrics cannot take, or when the loss or a
    ///   weight becomes NaN or infinite (naming the epoch and batch); ``SerializationError`` for a
    ///   checkpoint that cannot be read; what a callback throws.
    @discardableResult
    public func fit<Method: Optimizer>(
        _ data: Dataset, loss: Loss, optimizer: Method, epochs: Int, batchSize: Int = 32,
        validationData: Dataset? = nil, validationSplit: Double = 0, metrics: [Metric] = [],
        callbacks: [any TrainingCallback] = [], seed: UInt64 = 0, clipping: GradientClipping? = nil,
        schedule: LearningRateSchedule = .constant, recordingGradientNorms: Bool = false,
        diagnostics: TrainingDiagnostics? = nil, resumingFrom checkpoint: URL? = nil,
        communicator: Communicator = .singleProcess
    ) throws -> History {
        guard epochs > 0, batchSize > 0 else { throw TensorError.invalidArgument("fit needs epochs > 0 and batchSize > 0") }
        guard (0..<1).contains(validationSplit), validationSplit == 0 || validationData == nil else {
            throw TensorError.invalidArgument("validationSplit must be in [0, 1) and not combined with validationData")
        }
        var train = data, validation = validationData
        if validationSplit > 0 {
            let parts = data.split(validationFraction: validationSplit, seed: seed)
            train = parts.train
            validation = parts.validation
        }
        guard train.count > 0 else { throw TensorError.invalidArgument("fit needs at least one training sample") }
        let loop = EpochLoop(
            loss: loss, metrics: metrics, clipping: clipping, recordingGradientNorms: recordingGradientNorms, epoch: nil,
            diagnostics: diagnostics, communicator: communicator)
        return try trainEpochs(
            loop, optimizer: optimizer, epochs: epochs, samplesPerEpoch: train.count,
            // Rounded up without `train.count + batchSize - 1`, which overflowed for --batch-size Int.max.
            stepsPerEpoch: train.count / batchSize + (train.count % batchSize == 0 ? 0 : 1),
            batchSize: batchSize, callbacks: callbacks, seed: seed, schedule: schedule, resumingFrom: checkpoint,
            steps: { epoch in loop.steps(train.batches(size: batchSize, shuffled: true, seed: seed &+ UInt64(epoch))) },
            validate: validation.map { validation in { try self.evaluate(on: validation, loss: loss, metrics: metrics) } })
    }

    /// The epochs of a run, whatever its steps are made of (a dataset's batches, a text's
    /// windows): the checkpoint restored, then per epoch the callbacks, one pass of `loop` over
    /// `steps(epoch)` with the learning rate of `schedule` set before each step, `validate`, the
    /// record in the history. `batchSize` identifies the run in checkpoints, with `seed`.
    func trainEpochs<Method: Optimizer, Steps: Sequence>(
        _ loop: EpochLoop, optimizer: Method, epochs: Int, samplesPerEpoch: Int, stepsPerEpoch: Int, batchSize: Int,
        callbacks: [any TrainingCallback], seed: UInt64, schedule: LearningRateSchedule, resumingFrom checkpoint: URL?,
        steps: (Int) -> Steps, validate: (() throws -> (loss: Double, metrics: [String: Double]))?
    ) throws -> History where Steps.Element == TrainingStep<Self> {
        var optimizer = optimizer
        let baseRate = optimizer.learningRate
        let parameters = namedParameters.filter { $0.parameter.isTrainable }
        try Self.checkTrainingFits(
            parameterCount: parameters.reduce(0) { $0 + $1.parameter.value.count }, buffersPerParameter: optimizer.buffersPerParameter)
        let sources = randomSources
        let run = TrainingRun(
            epochs: epochs, samplesPerEpoch: samplesPerEpoch, seed: seed, batchSize: batchSize, history: History(),
            readModel: { self.state }, writeModel: { try self.load($0) },
            readOptimizer: { optimizer.stateTensors(for: parameters) },
            readRandomState: { Dictionary(sources.map { ($0.name, $0.source.generator.stateWords) }, uniquingKeysWith: { a, _ in a }) })
        if let checkpoint {
            let saved = try Checkpoint.read(from: checkpoint)
            guard saved.seed == seed, saved.batchSize == batchSize else {
                throw TensorError.invalidArgument(
                    "\(checkpoint.path) was written with seed \(saved.seed) and batch size \(saved.batchSize); resume with the same")
            }
            try load(saved.modelState)
            do { try optimizer.loadStateTensors(saved.optimizerState, for: parameters) } catch {
                // The checkpoint does not name its optimizer; a state that does not load is the
                // sign of another one (SGD's momentum buffers offered to Adam).
                throw TensorError.invalidArgument(
                    "\(checkpoint.path) holds optimizer state this run's optimizer cannot take (\(error)); resume with the optimizer of the run that wrote it")
            }
            for (name, source) in sources {
                guard let words = saved.randomState[name] else { throw TensorError.invalidArgument("\(checkpoint.path) has no random state for \(name)") }
                source.generator = try RandomGenerator(stateWords: words)
            }
            guard saved.epoch <= epochs else {
                throw TensorError.invalidArgument("\(checkpoint.path) is past epoch \(saved.epoch); the run has only \(epochs)")
            }
            run.history = saved.history
        }
        try DataParallel.broadcastParameters(namedParameters.map(\.parameter), over: loop.communicator)
        for callback in callbacks { try callback.trainingBegan(run) }
        // `through:`, not `..<(epochs + 1)`: a run of Int.max epochs (until early stopping) overflowed.
        for epoch in stride(from: run.history.epochs.count + 1, through: epochs, by: 1) {
            if run.stopRequested { break }  // not a `where` clause, which would count the rest of Int.max epochs
            for callback in callbacks { try callback.epochBegan(epoch, run: run) }
            loop.diagnostics?.beginEpoch(epoch)
            let started = ContinuousClock.now
            var epochLoop = loop
            epochLoop.epoch = epoch
            let outcome = try withLayerMode(.training) {
                try epochLoop.run(
                    self, optimizer: &optimizer, steps: steps(epoch),
                    learningRate: { step in
                        // Saturating: only a run of about Int.max steps gets there, where every schedule is flat.
                        let (through, overflow) = epoch.multipliedReportingOverflow(by: stepsPerEpoch)
                        let runStep = overflow ? Int.max : through - stepsPerEpoch + step
                        return schedule.learningRate(base: baseRate, step: runStep, stepsPerEpoch: stepsPerEpoch, epochs: epochs)
                    },
                    afterBatch: { done in for callback in callbacks { callback.batchEnded(samplesDone: done, run: run) } })
            }
            // A stop request (Ctrl-C) ends the run without recording the partial epoch, so the
            // history and the last checkpoint both describe whole epochs and a resume stays exact.
            if outcome.stopped { run.stopRequested = true; break }
            let elapsed = ContinuousClock.now - started
            let validation = try validate?()
            let record = History.Epoch(
                epoch: epoch, loss: outcome.loss, metrics: outcome.metrics, validationLoss: validation?.loss,
                validationMetrics: validation?.metrics ?? [:], learningRate: optimizer.learningRate,
                seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
                gradientNorms: Dictionary(outcome.gradientNorms.map { ($0.name, $0.norm) }, uniquingKeysWith: { a, _ in a }))
            run.history.epochs.append(record)
            for callback in callbacks { try callback.epochEnded(record, run: run) }
        }
        for callback in callbacks { try callback.trainingEnded(run) }
        return run.history
    }

    /// The loss and metrics of the model on `data`, in evaluation mode and without gradients.
    /// - Throws: ``TensorError`` when the data does not fit the model, loss or metrics.
    public func evaluate(on data: Dataset, loss: Loss, metrics: [Metric] = []) throws -> (loss: Double, metrics: [String: Double]) {
        let outputs = try predict(data.inputs)
        let value = try withoutGradient { try loss(outputs, data.targets) }
        let predictions = try loss.predictions(from: outputs)
        var measured: [String: Double] = [:]
        for metric in metrics { measured[metric.name] = try metric.measured(predictions: predictions, targets: data.targets) }
        return (Double(value.scalar), measured)
    }

    /// Refuses a run whose parameters, their gradients and the optimizer's buffers cannot fit in
    /// memory, before the first step allocates them. The parameters fit already (they exist), but
    /// training needs two to four times as much: `neurite train text --hidden 30000` builds an
    /// LSTM of 14.4 GB, which SGD with momentum takes to 43 GB and Adam to 58 GB.
    static func checkTrainingFits(parameterCount floats: Int, buffersPerParameter: Int) throws {
        // The values and their gradients, then the buffers (clamped: a custom optimizer could say anything).
        let copies = 2 + min(max(buffersPerParameter, 0), 1 << 32)
        let buffers = copies == 3 ? "1 optimizer buffer" : "\(copies - 2) optimizer buffers"
        let what = "training \(floats) parameters (with their gradients and \(buffers) each)"
        if let problem = SizeLimit.problem(floats: SizeLimit.elementCount([floats, copies]), what: what) { throw TensorError.invalidArgument(problem) }
    }
}
