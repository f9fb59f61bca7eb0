/// One pass over a training set with mini-batch gradient descent and softmax cross-entropy.
///
/// Returns the mean loss and the accuracy on the batches as they were seen (before each one's
/// update), which costs nothing extra because the logits are computed for the loss anyway.
/// - Parameters:
///   - clippingNorm: when set, gradients are scaled to at most this global norm before each update.
///   - progress: called after each batch with the number of samples done so far.
/// - Throws: ``TensorError/nonFinite(_:)`` as soon as the loss is NaN or infinite (a learning
///   rate too high, usually), rather than training on garbage.
public func trainEpoch<Model: Layer, Method: Optimizer>(
    _ model: inout Model, optimizer: inout Method, on dataset: Dataset, batchSize: Int, seed: UInt64,
    clippingNorm: Float? = nil, progress: (Int) -> Void = { _ in }
) throws -> (loss: Double, accuracy: Double) {
    var totalLoss: Double = 0, correct = 0, seen = 0
    for (index, batch) in dataset.batches(size: batchSize, shuffled: true, seed: seed).enumerated() {
        let labels = batch.labels
        var logits = Tensor.zeros([0])
        let (loss, gradients) = try valueWithGradient(of: model) { model in
            logits = try model(batch.inputs)
            return try crossEntropy(logits: logits, labels: labels)
        }
        guard loss.scalar.isFinite else {
            throw TensorError.nonFinite("loss became \(loss.scalar) at batch \(index + 1); try a lower learning rate or gradient clipping")
        }
        optimizer.update(&model, along: clippingNorm.map { gradients.clipped(toNorm: $0) } ?? gradients)
        totalLoss += Double(loss.scalar) * Double(batch.count)
        correct += zip(try logits.argmax(alongAxis: -1), labels).filter { $0 == $1 }.count
        seen += batch.count
        progress(seen)
    }
    return (totalLoss / Double(max(seen, 1)), Double(correct) / Double(max(seen, 1)))
}
