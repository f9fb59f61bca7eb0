/// One pass over a text with truncated backpropagation through time.
///
/// Each window's loss is the mean cross-entropy of every step's prediction of the next character;
/// its gradient flows back through the window's steps only. The state is carried from window to
/// window (detached), so the model reads each stream in order and its memory can reach further
/// back than the gradient does.
/// - Parameters:
///   - windows: from ``TextCorpus/windows(batchSize:sequenceLength:)``, in order.
///   - clipping: when set, how gradients are bounded before each update.
///   - recordingGradientNorms: fill ``EpochSummary/gradientNorms`` (norms before clipping).
///   - learningRate: the rate for the i-th window (nil keeps the optimizer's), for schedules.
///   - progress: called after each window with the number of windows done.
/// - Throws: ``TensorError/nonFinite(_:)`` as soon as the loss is NaN or infinite.
public func trainEpoch<Method: Optimizer>(
    _ model: inout CharacterLanguageModel, optimizer: inout Method, on windows: [TextWindow],
    clipping: GradientClipping? = nil, recordingGradientNorms: Bool = false,
    learningRate: (Int) -> Float? = { _ in nil }, progress: (Int) -> Void = { _ in }
) throws -> EpochSummary {
    var totalLoss: Double = 0, correct = 0, seen = 0
    var normSums: [(name: String, norm: Double)] = []
    var state: RecurrentState?
    var stopped = false
    for (index, window) in windows.enumerated() {
        if StopRequest.isRequested { stopped = true; break }
        if let rate = learningRate(index) { optimizer.learningRate = rate }
        let input = try model.oneHot(window.inputs)
        var logits = Tensor.zeros([0])
        let (loss, gradients) = try valueWithGradient(of: model) { model in
            let result = try model.logits(input, from: state)
            state = result.state.detached
            logits = result.logits.detached
            return try crossEntropy(logits: result.logits, labels: window.targets)
        }
        guard loss.scalar.isFinite else {
            throw TensorError.nonFinite("loss became \(loss.scalar) at window \(index + 1); try a lower learning rate or gradient clipping")
        }
        if recordingGradientNorms {
            let norms = gradients.statistics.map { ($0.name, Double($0.statistics.norm)) }
            normSums = normSums.isEmpty ? norms : zip(normSums, norms).map { ($0.name, $0.norm + $1.1) }
        }
        optimizer.update(&model, along: clipping?.apply(to: gradients) ?? gradients)
        totalLoss += Double(loss.scalar) * Double(window.targets.count)
        correct += zip(logits.argmaxIndices(alongAxis: -1), window.targets).filter { $0 == $1 }.count
        seen += window.targets.count
        progress(index + 1)
    }
    return EpochSummary(
        loss: totalLoss / Double(max(seen, 1)), accuracy: Double(correct) / Double(max(seen, 1)),
        gradientNorms: normSums.map { ($0.name, $0.norm / Double(max(windows.count, 1))) }, stopped: stopped)
}
