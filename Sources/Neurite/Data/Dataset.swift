/// Labelled samples held in memory: `inputs` has one sample per entry of its first dimension.
public struct Dataset: Sendable {
    /// The samples, `[count] + sampleShape`.
    public let inputs: Tensor
    /// The class of each sample.
    public let labels: [Int]

    /// - Throws: ``TensorError/invalidShape(_:reason:)`` when the counts of inputs and labels differ,
    ///   ``TensorError/nonFinite(_:)`` when an input is NaN or infinite.
    public init(inputs: Tensor, labels: [Int]) throws {
        guard inputs.rank >= 1, inputs.shape[0] == labels.count else {
            throw TensorError.invalidShape(inputs.shape, reason: "\(labels.count) labels for these inputs")
        }
        guard inputs.isFinite else { throw TensorError.nonFinite("dataset inputs contain NaN or infinity") }
        self.inputs = inputs.detached
        self.labels = labels
    }

    /// The number of samples.
    public var count: Int { labels.count }

    /// The shape of one sample.
    public var sampleShape: [Int] { Array(inputs.shape.dropFirst()) }

    /// The same samples with each one reshaped, e.g. MNIST's 784 pixels to `[1, 28, 28]` for a
    /// convolutional network.
    public func reshapingSamples(to shape: [Int]) throws -> Dataset {
        try Dataset(inputs: inputs.reshaped([count] + shape), labels: labels)
    }

    /// The first `count` samples (all, if there are fewer).
    public func prefix(_ count: Int) -> Dataset {
        let kept = min(count, self.count)
        return try! Dataset(inputs: inputs.rows(0..<kept), labels: Array(labels.prefix(kept)))
    }

    /// Mini-batches of `size` samples covering the dataset once (the last may be smaller).
    /// With `shuffled`, the order is a permutation drawn from `seed`: the same seed gives the
    /// same batches, a new seed per epoch gives a new order.
    public func batches(size: Int, shuffled: Bool = false, seed: UInt64 = 0) -> [Batch] {
        precondition(size > 0, "batch size must be positive")
        var order = Array(0..<count)
        if shuffled {
            var generator = RandomGenerator(seed: seed)
            order.shuffle(using: &generator)
        }
        return stride(from: 0, to: count, by: size).map { start in
            let indices = Array(order[start..<min(start + size, count)])
            return Batch(dataset: self, indices: indices)
        }
    }
}

/// One mini-batch. Its inputs are gathered from the dataset only when read, so listing the
/// batches of an epoch costs nothing.
public struct Batch: Sendable {
    let dataset: Dataset
    /// The positions of this batch's samples in the dataset.
    public let indices: [Int]

    /// The batch's samples, gathered into one tensor.
    public var inputs: Tensor { dataset.inputs.rows(indices) }
    /// The batch's labels, in the order of `inputs`.
    public var labels: [Int] { indices.map { dataset.labels[$0] } }
    /// The number of samples in the batch.
    public var count: Int { indices.count }
}
