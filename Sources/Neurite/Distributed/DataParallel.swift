/// The steps that make ``Layer/fit(_:loss:optimizer:epochs:batchSize:validationData:validationSplit:metrics:callbacks:seed:clipping:schedule:recordingGradientNorms:diagnostics:resumingFrom:communicator:)``
/// data-parallel over a ``Communicator`` of more than one rank.
///
/// Every rank lists the same global batches (same seed) and trains on its own shard of each;
/// the shards' gradients are combined into the gradient of the whole global batch, so N ranks
/// with global batch B take the same steps as one process with batch B (up to the order of
/// float additions).
enum DataParallel {
    /// Copies rank 0's value of every parameter (trainable or not) to all ranks, in one buffer.
    static func broadcastParameters(_ parameters: [ParameterReference], over communicator: Communicator) throws {
        guard communicator.size > 1 else { return }
        var flat: [Float] = []
        for parameter in parameters { flat += parameter.value.scalars }
        try communicator.broadcast(&flat, from: 0)
        var offset = 0
        for parameter in parameters {
            let count = parameter.value.count
            parameter.value = try Tensor(shape: parameter.value.shape, scalars: Array(flat[offset..<(offset + count)]))
            offset += count
        }
    }

    /// This rank's samples of `batch`: every size-th one, starting at the rank's number, so
    /// the shards are disjoint, cover the batch, and differ in size by at most one.
    static func shard(of batch: Batch, rank: Int, size: Int) -> Batch {
        Batch(dataset: batch.dataset, indices: stride(from: rank, to: batch.count, by: size).map { batch.indices[$0] })
    }

    /// The global batch's gradient and mean loss from each rank's, and whether any rank was
    /// asked to stop. One allreduce of one flat buffer per step: each rank's mean-loss gradient
    /// weighted by its share of the batch (local / global samples, exact even when the shards
    /// differ in size), then the loss and the stop flag appended. Not bucketed and not overlapped
    /// with the backward pass.
    static func combine(
        _ gradients: Gradients, loss: Float, localCount: Int, globalCount: Int, stopRequested: Bool,
        parameters: [(name: String, parameter: ParameterReference)], over communicator: Communicator
    ) throws -> (gradients: Gradients, loss: Float, stopRequested: Bool) {
        let share = Float(localCount) / Float(globalCount)
        var flat: [Float] = []
        for (_, parameter) in parameters {
            if let gradient = gradients[parameter] {
                flat += gradient.scalars.map { $0 * share }
            } else {
                flat += [Float](repeating: 0, count: parameter.value.count)
            }
        }
        flat.append(localCount > 0 ? loss * share : 0)
        flat.append(stopRequested ? 1 : 0)
        try communicator.allReduceSum(&flat)
        var entries: [Gradients.Entry] = [], offset = 0
        for (name, parameter) in parameters {
            let count = parameter.value.count
            let gradient = try Tensor(shape: parameter.value.shape, scalars: Array(flat[offset..<(offset + count)]))
            entries.append(Gradients.Entry(name: name, parameter: parameter, gradient: gradient))
            offset += count
        }
        return (Gradients(entries), flat[offset], flat[offset + 1] > 0)
    }

    /// The epoch's metrics over all ranks' predictions: each rank's value weighted by its number
    /// of predictions. Exact for means over samples (accuracy, mean errors).
    /// Every rank passes the same `names`, measured or not (a rank without predictions has none).
    static func combine(metrics: [String: Double], names: [String], predictions: Int, over communicator: Communicator) throws -> [String: Double] {
        var flat = names.map { Float((metrics[$0] ?? 0) * Double(predictions)) } + [Float(predictions)]
        try communicator.allReduceSum(&flat)
        let total = Double(max(flat[names.count], 1))
        return Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, Double(flat[$0]) / total) })
    }
}
