/// The steps that make ``Layer/fit(_:loss:optimizer:epochs:batchSize:validationData:validationSplit:metrics:callbacks:seed:clipping:schedule:recordingGradientNorms:diagnostics:resumingFrom:communicator:)``
/// data-parallel over a ``Communicator`` of more than one rank.
///
/// Every rank lists the same global batches (same seed) and trains on its own shard of each;
/// the shards' gradients are combined into the gradient of the whole global batch, so N ranks
/// with global batch B take the same steps as one process with batch B (up to the order of
/// float additions). The gradients are averaged in buckets during the backward pass (``GradientBuckets``).
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

    /// Every rank's predictions of the epoch, on every rank: each rank writes its rows (one per
    /// sample it trained on, `width` values each) at their samples' places in a buffer over the
    /// dataset's `datasetCount` samples, with a mark, and one allreduce sums the buffers. Metrics
    /// measured on the result are exact for every metric (F1 and R² are not means over samples,
    /// so averaging each rank's value would not be); the buffer costs 4·(width + 1) bytes per
    /// sample once an epoch. Returns the predictions and their sample indices, in sample order.
    static func gather(
        predictions: [Float], of samples: [Int], width: Int, datasetCount: Int, over communicator: Communicator
    ) throws -> (predictions: [Float], samples: [Int], width: Int) {
        // A rank that trained on no sample does not know the width: take the others'.
        var widths = [Float(width), samples.isEmpty ? 0 : 1]
        try communicator.allReduceSum(&widths)
        let width = widths[1] > 0 ? Int(widths[0] / widths[1]) : 0
        let stride = width + 1
        var all = [Float](repeating: 0, count: datasetCount * stride)
        for (row, sample) in samples.enumerated() {
            all[sample * stride] = 1
            for column in 0..<width { all[sample * stride + 1 + column] = predictions[row * width + column] }
        }
        try communicator.allReduceSum(&all)
        let seen = (0..<datasetCount).filter { all[$0 * stride] > 0 }
        return (seen.flatMap { all[($0 * stride + 1)..<($0 * stride + stride)] }, seen, width)
    }
}
