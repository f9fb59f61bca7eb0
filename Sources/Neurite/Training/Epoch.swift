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
}

/// One pass over a training set with mini-batch gradient descent and softmax cross-entropy.
///
/// Accuracy is counted on each batch's logits, which the loss computes anyway, so it costs
/// nothing extra.
/// - Parameters:
///   - clipping: when set, how gradients are bounded before each update.
///   - recordingGradientNorms: fill ``EpochSummary/gradientNorms`` (one pass over the gradients
///     per step).
///   - diagnostics: when set, measures layers around the updates (see ``TrainingDiagnostics``).
///   - progress: called after each batch with the number of samples done so far.
/// - Throws: ``TensorError/nonFinite(_:)`` as soon as the loss is NaN or infinite (a learning
///   rate too high, usually), rather than training on garbage.
public func trainEpoch<Model: Layer, Method: Optimizer>(
    _ model: inout Model, optimizer: inout Method, on dataset: Dataset, batchSize: Int, seed: UInt64,
    clipping: GradientClipping? = nil, recordingGradientNorms: Bool = false, diagnostics: TrainingDiagnostics? = nil,
    progress: (Int) -> Void = { _ in }
) throws -> EpochSummary {
    var totalLoss: Double = 0, correct = 0, seen = 0, steps = 0
    var normSums: [(name: String, norm: Double)] = []
    for (index, batch) in dataset.batches(size: batchSize, shuffled: true, seed: seed).enumerated() {
        let labels = batch.labels
        var logits = Tensor.zeros([0])
        let (loss, gradients) = try valueWithGradient(of: model) { model in
            let output = try model(batch.inputs)
            // Detached: a tracked copy kept past this closure would keep the step's graph alive,
            // and with it references to every weight, so the optimizer's in-place update would
            // have to copy each weight matrix first (copy-on-write).
            logits = output.detached
            return try crossEntropy(logits: output, labels: labels)
        }
        guard loss.scalar.isFinite else {
            throw TensorError.nonFinite("loss became \(loss.scalar) at batch \(index + 1); try a lower learning rate or gradient clipping")
        }
        if recordingGradientNorms {
            let norms = gradients.statistics.map { ($0.name, Double($0.statistics.norm)) }
            normSums = normSums.isEmpty ? norms : zip(normSums, norms).map { ($0.name, $0.norm + $1.1) }
        }
        diagnostics?.prepare(model, gradients: gradients, loss: loss.scalar)
        optimizer.update(&model, along: clipping?.apply(to: gradients) ?? gradients)
        try diagnostics?.record(model)
        totalLoss += Double(loss.scalar) * Double(batch.count)
        correct += zip(try logits.argmax(alongAxis: -1), labels).filter { $0 == $1 }.count
        seen += batch.count
        steps += 1
        progress(seen)
    }
    return EpochSummary(
        loss: totalLoss / Double(max(seen, 1)), accuracy: Double(correct) / Double(max(seen, 1)),
        gradientNorms: normSums.map { ($0.name, $0.norm / Double(max(steps, 1))) })
}
