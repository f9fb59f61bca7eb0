/// The one training loop: a pass over a list of batches, one optimizer step per batch.
/// ``Layer/fit(_:loss:optimizer:epochs:batchSize:validationData:validationSplit:metrics:callbacks:seed:clipping:schedule:recordingGradientNorms:resumingFrom:)``
/// runs it once per epoch; ``trainEpoch(_:optimizer:on:batchSize:seed:clipping:recordingGradientNorms:progress:)``
/// is one call of it.
struct EpochLoop {
    let loss: Loss
    let metrics: [Metric]
    let clipping: GradientClipping?
    let recordingGradientNorms: Bool
    /// The epoch's number for error messages, when known.
    let epoch: Int?
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

    /// Trains `model` on `batches` in order. `learningRate(i)` gives the rate for the i-th batch
    /// (nil keeps the optimizer's); `afterBatch` gets the samples done so far.
    ///
    /// Metrics are computed once, at the end, on the predictions made for each batch before its
    /// update (``Loss/predictions(from:)`` of outputs the loss computes anyway).
    /// - Throws: ``TensorError/nonFinite(_:)`` naming the epoch and batch as soon as the loss, or
    ///   a weight after an update, is NaN or infinite.
    func run<Model: Layer, Method: Optimizer>(
        _ model: Model, optimizer: inout Method, batches: [Batch],
        learningRate: (Int) -> Float? = { _ in nil }, afterBatch: (Int) -> Void = { _ in }
    ) throws -> Outcome {
        var model = model  // the optimizer's update takes it inout; parameters are shared references
        let parameters = model.namedParameters.filter { $0.parameter.isTrainable }
        var totalLoss: Double = 0, seen = 0, steps = 0
        var normSums: [(name: String, norm: Double)] = []
        var predictions: [Float] = [], predictionShape: [Int] = [], order: [Int] = []
        var stopped = false
        let distributed = communicator.size > 1
        let buckets = distributed ? GradientBuckets(parameters: parameters, capacity: communicator.bucketCapacity, over: communicator) : nil
        for (index, globalBatch) in batches.enumerated() {
            // Checked between steps only, so a stop (Ctrl-C) never leaves a half-applied update.
            // Ranks learn of a stop together, through the step's allreduce, below.
            if !distributed && StopRequest.isRequested { stopped = true; break }
            if let rate = learningRate(index) { optimizer.learningRate = rate }
            let batch = distributed ? DataParallel.shard(of: globalBatch, rank: communicator.rank, size: communicator.size) : globalBatch
            let targets = batch.targets
            var outputs = Tensor.zeros([0])
            var (value, gradients) = (Tensor(0), Gradients([]))
            buckets?.beginStep(localCount: batch.count, globalCount: globalBatch.count, stopRequested: StopRequest.isRequested)
            // Batch norm takes the global batch's statistics when every rank has a shard to train on.
            let statistics = distributed && globalBatch.count >= communicator.size ? SynchronizedBatchStatistics(communicator: communicator) : nil
            if batch.count > 0 {
                (value, gradients) = try SynchronizedBatchStatistics.$current.withValue(statistics) { try valueWithGradient(of: model, { model in
                    let output = try model(batch.inputs)
                    // Detached: a tracked copy kept past this closure would keep the step's graph alive,
                    // and with it references to every weight, so the optimizer's in-place update would
                    // have to copy each weight matrix first (copy-on-write).
                    outputs = output.detached
                    let value = try loss(output, targets)
                    buckets?.setLoss(value.scalar)
                    return value
                }, whenComplete: buckets.map { buckets in buckets.gradientCompleted }) }
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
            try diagnostics?.record(model)
            if let bad = parameters.first(where: { !Kernels.isFinite($0.parameter.value) }) {
                throw TensorError.nonFinite(
                    "\(bad.name) became NaN or infinite in the update \(place(index)); try a lower learning rate or gradient clipping")
            }
            totalLoss += Double(lossValue) * Double(globalBatch.count)
            if !metrics.isEmpty && batch.count > 0 {
                let predicted = try loss.predictions(from: outputs)
                predictions += predicted.scalars
                predictionShape = Array(predicted.shape.dropFirst())
                order += batch.indices
            }
            seen += globalBatch.count
            steps += 1
            afterBatch(seen)
            if stopped { break }
        }
        var measured: [String: Double] = [:]
        if let first = batches.first, distributed && !metrics.isEmpty {
            let gathered = try DataParallel.gather(
                predictions: predictions, of: order, width: predictionShape.reduce(1, *), datasetCount: first.dataset.count, over: communicator)
            (predictions, order) = (gathered.predictions, gathered.samples)
            if predictionShape.isEmpty && gathered.width > 1 { predictionShape = [gathered.width] }
        }
        if let first = batches.first, !metrics.isEmpty, !order.isEmpty {
            let all = try Tensor(shape: [order.count] + predictionShape, scalars: predictions)
            let targets = first.dataset.targets.rows(order)
            for metric in metrics { measured[metric.name] = try metric.measured(predictions: all, targets: targets) }
        }
        return Outcome(
            loss: totalLoss / Double(max(seen, 1)), metrics: measured,
            gradientNorms: normSums.map { ($0.name, $0.norm / Double(max(steps, 1))) }, stopped: stopped)
    }

    private func place(_ batch: Int) -> String {
        epoch.map { "at epoch \($0), batch \(batch + 1)" } ?? "at batch \(batch + 1)"
    }
}
