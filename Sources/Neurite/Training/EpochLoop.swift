/// The one training loop: a pass over a list of steps (``TrainingStep``: the batches of a
/// dataset, or the windows of a text with a carried state), one optimizer update per step.
/// `trainEpochs` (behind ``Layer/fit(_:loss:optimizer:epochs:batchSize:validationData:validationSplit:metrics:callbacks:seed:clipping:schedule:recordingGradientNorms:diagnostics:resumingFrom:communicator:)``
/// and ``CharacterLanguageModel/fit(_:optimizer:epochs:validationWindows:callbacks:seed:clipping:schedule:recordingGradientNorms:diagnostics:resumingFrom:)``)
/// runs it once per epoch; each `trainEpoch` function is one call of it.
struct EpochLoop {
    let loss: Loss
    let metrics: [Metric]
    let clipping: GradientClipping?
    let recordingGradientNorms: Bool
    /// The epoch's number for error messages, when known.
    var epoch: Int?
    /// Measures the layers around each update, when set.
    var diagnostics: TrainingDiagnostics? = nil
    /// With more than one rank, each trains on its shard of every batch and the gradients,
    /// loss and metrics are combined across ranks (``DataParallel``).
    var communicator: Communicator = .singleProcess

    /// What one pass measured.
    struct Outcome {
        let loss: Double
        let metrics: [String: Double]
        let gradientNorms: [(name: String, norm: Double)]
        /// Whether a ``StopRequest`` ended the pass before its last batch.
        let stopped: Bool
    }

    /// Trains `model` on `batches` in order (see ``steps(_:)``).
    func run<Model: Layer, Method: Optimizer>(
        _ model: Model, optimizer: inout Method, batches: [Batch],
        learningRate: (Int) -> Float? = { _ in nil }, afterBatch: (Int) -> Void = { _ in }
    ) throws -> Outcome {
        try run(model, optimizer: &optimizer, steps: steps(batches) as LazyMapSequence<[Batch], TrainingStep<Model>>,
                learningRate: learningRate, afterBatch: afterBatch)
    }

    /// Trains `model` on `steps` in order, one update per step. `learningRate(i)` gives the rate
    /// for the i-th step (nil keeps the optimizer's); `afterBatch` gets the samples done so far.
    ///
    /// Metrics are computed once, at the end, on the predictions made for each step before its
    /// update (``Loss/predictions(from:)``, applied once to all the outputs the loss computed anyway).
    /// - Throws: ``TensorError/nonFinite(_:)`` naming the epoch and batch as soon as the loss, or
    ///   a weight after an update, is NaN or infinite.
    func run<Model: Layer, Method: Optimizer, Steps: Sequence>(
        _ model: Model, optimizer: inout Method, steps: Steps,
        learningRate: (Int) -> Float? = { _ in nil }, afterBatch: (Int) -> Void = { _ in }
    ) throws -> Outcome where Steps.Element == TrainingStep<Model> {
        var model = model  // the optimizer's update takes it inout; parameters are shared references
        let parameters = model.namedParameters.filter { $0.parameter.isTrainable }
        var totalLoss: Double = 0, seen = 0, updates = 0
        var normSums: [(name: String, norm: Double)] = []
        var predictions: [Float] = [], predictionShape: [Int] = [], predicted = 0, targets: [Float] = [], targetShape: [Int] = []
        var stopped = false
        let distributed = communicator.size > 1
        let buckets = distributed ? GradientBuckets(parameters: parameters, capacity: communicator.bucketCapacity, over: communicator) : nil
        // SGD's update inside the backward pass, where nothing reads the gradients in between.
        let readsGradients = clipping != nil || recordingGradientNorms || diagnostics != nil || distributed
        let fusedSteps = readsGradients ? nil : optimizer.makeFusedSteps(for: parameters)
        var samples: [Int] = [], datasetCount = 0
        // One step ahead, so that each step can start gathering the next one's inputs.
        var upcoming = steps.makeIterator(), next = upcoming.next(), index = -1
        defer { next?.inputs?.cancel() }
        while let step = next {
            index += 1
            next = upcoming.next()
            // Checked between steps only, so a stop (Ctrl-C) never leaves a half-applied update.
            // Ranks learn of a stop together, through the step's allreduce, below.
            if !distributed && StopRequest.isRequested { step.inputs?.cancel(); stopped = true; break }
            if let rate = learningRate(index) { optimizer.learningRate = rate }
            if let fusedSteps { optimizer.arm(fusedSteps, for: parameters) }
            var outputs = Tensor.zeros([0])
            var (value, gradients) = (Tensor(0), Gradients([]))
            buckets?.beginStep(localCount: step.localCount, globalCount: step.count, stopRequested: StopRequest.isRequested)
            // Batch norm takes the global batch's statistics when every rank has a shard to train on.
            let statistics = distributed && step.count >= communicator.size ? SynchronizedBatchStatistics(communicator: communicator) : nil
            if step.localCount > 0 {
                (value, gradients) = try SynchronizedBatchStatistics.$current.withValue(statistics) { try valueWithGradient(of: model, parameters: parameters, { model in
                    let (output, loss) = try step.forward(model)
                    // The next batch is copied by the pool's worker while this step's backward
                    // begins with work too small to split (InputPrefetch).
                    next?.inputs?.start()
                    // Detached: a tracked copy kept past this closure would keep the step's graph alive,
                    // and with it references to every weight, so the optimizer's in-place update would
                    // have to copy each weight matrix first (copy-on-write).
                    outputs = output.detached
                    buckets?.setLoss(loss.scalar)
                    return loss
                }, whenComplete: buckets.map { buckets in buckets.gradientCompleted }, fusedSteps: fusedSteps) }
            }
            var lossValue = value.scalar
            if let buckets { (gradients, lossValue, stopped) = try buckets.finishStep() }
            guard lossValue.isFinite else {
                throw TensorError.nonFinite("loss became \(lossValue) \(place(index)); try a lower learning rate or gradient clipping")
            }
            if recordingGradientNorms {
                let norms = gradients.statistics.map { ($0.name, Double($0.statistics.norm)) }
                normSums = normSums.isEmpty ? norms : zip(normSums, norms).map { ($0.name, $0.norm + $1.1) }
            }
            diagnostics?.prepare(model, gradients: gradients, loss: lossValue)
            optimizer.update(&model, along: clipping?.apply(to: gradients) ?? gradients)
            for (entry, step) in zip(parameters, fusedSteps ?? []) where step?.isApplied == true {
                entry.parameter.isKnownFinite = step!.wroteFiniteWeights
            }
            try diagnostics?.record(model)
            // The built-in optimizers check each weight as they write it; others get a pass here.
            if let bad = parameters.first(where: { !$0.parameter.isKnownFinite && !Kernels.isFinite($0.parameter.value) }) {
                throw TensorError.nonFinite(
                    "\(bad.name) became NaN or infinite in the update \(place(index)); try a lower learning rate or gradient clipping")
            }
            totalLoss += Double(lossValue) * Double(step.count)
            if !metrics.isEmpty && step.localCount > 0 {
                // The raw outputs, straight from their buffers: the loss's link (a softmax) runs
                // once over the pass at the end, not once per step with a tensor and a copy each.
                if predicted == 0 {  // every step's outputs and targets have these shapes after the batch axis
                    predictionShape = Array(outputs.shape.dropFirst())
                    targetShape = Array(step.targets.shape.dropFirst())
                }
                predictions.append(contentsOf: UnsafeBufferPointer(start: outputs.storage.base, count: outputs.count))
                predicted += outputs.shape[0]
                targets.append(contentsOf: UnsafeBufferPointer(start: step.targets.storage.base, count: step.targets.count))
                samples += step.samples
            }
            datasetCount = step.datasetCount
            seen += step.count
            updates += 1
            afterBatch(seen)
            if stopped { break }
        }
        var measured: [String: Double] = [:]
        if distributed && !metrics.isEmpty {
            // Every rank gets every rank's predictions and targets, in sample order, so that each
            // metric (F1 and R² are not means of per-rank values) is computed on the whole epoch.
            let gatheredPredictions = try DataParallel.gather(
                predictions: predictions, of: samples, width: predictionShape.reduce(1, *), datasetCount: datasetCount, over: communicator)
            let gatheredTargets = try DataParallel.gather(
                predictions: targets, of: samples, width: targetShape.reduce(1, *), datasetCount: datasetCount, over: communicator)
            (predictions, targets, predicted) = (gatheredPredictions.predictions, gatheredTargets.predictions, gatheredPredictions.samples.count)
            if predictionShape.isEmpty && gatheredPredictions.width > 1 { predictionShape = [gatheredPredictions.width] }
            if targetShape.isEmpty && gatheredTargets.width > 1 { targetShape = [gatheredTargets.width] }
        }
        if !metrics.isEmpty && predicted > 0 {
            let all = try loss.predictions(from: Tensor(shape: [predicted] + predictionShape, scalars: predictions))
            let expected = try Tensor(shape: [predicted] + targetShape, scalars: targets)
            for metric in metrics { measured[metric.name] = try metric.measured(predictions: all, targets: expected) }
        }
        return Outcome(
            loss: totalLoss / Double(max(seen, 1)), metrics: measured,
            gradientNorms: normSums.map { ($0.name, $0.norm / Double(max(updates, 1))) }, stopped: stopped)
    }

    private func place(_ batch: Int) -> String {
        epoch.map { "at epoch \($0), batch \(batch + 1)" } ?? "at batch \(batch + 1)"
    }
}
