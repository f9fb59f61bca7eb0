/// Samples held in memory with their targets: entry i of `inputs`' first dimension goes with
/// entry i of `targets`' first dimension.
///
/// Targets can be anything a loss compares outputs with: class indices (`[n]`, for
/// ``Loss/crossEntropy``), a 0/1 vector per sample (`[n, labels]`, multi-label), one or more real
/// values (`[n, 1]`, regression), or any tensor. Batching, shuffling, splitting and sharding treat
/// them all alike, row by row.
///
/// ```swift
/// let x = Tensor.randomUniform([512, 1], from: -3, to: 3, seed: 1)
/// let data = try Dataset(inputs: x, targets: x.squared())
/// let (train, validation) = data.split(validationFraction: 0.1, seed: 1)
/// ```
public struct Dataset: Sendable {
    /// The samples, `[count] + sampleShape`.
    ///
    /// A dataset that keeps its samples as bytes (``MNIST``'s) converts all of them to `Float`
    /// on each read of this property; ``Batch/inputs`` converts only the batch's rows.
    public var inputs: Tensor { samples.all }
    /// How the samples are held: a `Float` tensor, or bytes converted as they are read.
    let samples: DatasetSamples
    /// What each sample should produce, `[count] + targetShape`.
    public let targets: Tensor
    /// The class of each sample when the targets are class indices (a `[count]` tensor of whole
    /// numbers, as ``init(inputs:labels:)`` makes); empty for other targets.
    public let labels: [Int]

    /// A dataset of `inputs` and `targets` of any shape with the same first dimension.
    /// - Throws: ``TensorError/invalidShape(_:reason:)`` when the first dimensions differ,
    ///   ``TensorError/nonFinite(_:)`` when an input or target is NaN or infinite.
    public init(inputs: Tensor, targets: Tensor) throws {
        guard inputs.rank >= 1, targets.rank >= 1, inputs.shape[0] == targets.shape[0] else {
            throw TensorError.invalidShape(inputs.shape, reason: "targets of shape \(targets.shape) do not match these inputs")
        }
        guard inputs.isFinite else { throw TensorError.nonFinite("dataset inputs contain NaN or infinity") }
        guard targets.isFinite else { throw TensorError.nonFinite("dataset targets contain NaN or infinity") }
        self.samples = .floats(inputs.detached)
        self.targets = targets.detached
        let values = targets.scalars
        labels = targets.rank == 1 && values.allSatisfy { $0 >= 0 && $0 == $0.rounded() && $0 < 16_777_216 } ? values.map { Int($0) } : []
    }

    /// A classification dataset: `labels[i]` is the class of sample i. The labels are also kept as
    /// ``targets``, a `[count]` tensor of class indices, which is what ``Loss/crossEntropy`` takes.
    /// - Throws: ``TensorError/invalidShape(_:reason:)`` when the counts of inputs and labels differ,
    ///   ``TensorError/invalidArgument(_:)`` for a negative label, ``TensorError/nonFinite(_:)``
    ///   when an input is NaN or infinite.
    public init(inputs: Tensor, labels: [Int]) throws {
        guard inputs.rank >= 1, inputs.shape[0] == labels.count else {
            throw TensorError.invalidShape(inputs.shape, reason: "\(labels.count) labels for these inputs")
        }
        if let bad = labels.first(where: { $0 < 0 || $0 >= 16_777_216 }) {
            throw TensorError.invalidArgument("label \(bad) is not a class index")
        }
        guard inputs.isFinite else { throw TensorError.nonFinite("dataset inputs contain NaN or infinity") }
        self.init(checkedSamples: .floats(inputs.detached), labels: labels)
    }

    /// A classification dataset of byte samples (finite by construction) and their classes,
    /// checked by the caller: one label per sample, each a class index.
    init(checkedSamples samples: DatasetSamples, labels: [Int]) {
        self.init(checkedSamples: samples, targets: Tensor(labels.map(Float.init)), labels: labels)
    }

    /// Rows already checked by the dataset they come from.
    private init(checkedSamples samples: DatasetSamples, targets: Tensor, labels: [Int]) {
        self.samples = samples
        self.targets = targets
        self.labels = labels
    }

    /// The number of samples.
    public var count: Int { samples.count }

    /// The shape of one sample.
    public var sampleShape: [Int] { samples.sampleShape }

    /// The shape of one sample's target (`[]` for class indices).
    public var targetShape: [Int] { Array(targets.shape.dropFirst()) }

    /// The samples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        precondition(indices.allSatisfy { (0..<count).contains($0) }, "subset index outside 0..<\(count)")
        return Dataset(
            checkedSamples: samples.subset(indices), targets: targets.rows(indices),
            labels: labels.isEmpty ? [] : indices.map { labels[$0] })
    }

    /// The same samples with each one reshaped, e.g. MNIST's 784 pixels to `[1, 28, 28]` for a
    /// convolutional network.
    public func reshapingSamples(to shape: [Int]) throws -> Dataset {
        Dataset(checkedSamples: try samples.reshaped(to: shape), targets: targets, labels: labels)
    }

    /// The first `count` samples (all, if there are fewer).
    public func prefix(_ count: Int) -> Dataset {
        subset(Array(0..<min(max(count, 0), self.count)))
    }

    /// A random split into training and validation samples: `validationFraction` of the samples
    /// (rounded down) drawn by a permutation from `seed` go to validation, the rest to training,
    /// each part in its original order. The same seed gives the same split.
    public func split(validationFraction: Double, seed: UInt64) -> (train: Dataset, validation: Dataset) {
        precondition((0...1).contains(validationFraction), "validationFraction must be in [0, 1]")
        var order = Array(0..<count)
        var generator = RandomGenerator(seed: seed)
        order.shuffle(using: &generator)
        let validationCount = Int(Double(count) * validationFraction)
        let validation = order.prefix(validationCount).sorted(), train = order.dropFirst(validationCount).sorted()
        return (subset(train), subset(validation))
    }

    /// Part `index` of `count` disjoint parts that together cover the dataset, for data-parallel
    /// training: sample i belongs to part i mod `count`, so the parts differ in size by at most one.
    public func shard(index: Int, count parts: Int) -> Dataset {
        precondition(parts > 0 && (0..<parts).contains(index), "shard \(index) of \(parts) does not exist")
        return subset(Array(stride(from: index, to: count, by: parts)))
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

/// One mini-batch. Its inputs and targets are gathered from the dataset only when read, so
/// listing the batches of an epoch costs nothing.
public struct Batch: Sendable {
    let dataset: Dataset
    /// The positions of this batch's samples in the dataset.
    public let indices: [Int]

    /// The batch's samples, gathered into one tensor.
    public var inputs: Tensor { dataset.samples.rows(indices) }
    /// The batch's targets, in the order of `inputs`.
    public var targets: Tensor { dataset.targets.rows(indices) }
    /// The batch's class labels, in the order of `inputs` (empty unless the dataset has labels).
    public var labels: [Int] { dataset.labels.isEmpty ? [] : indices.map { dataset.labels[$0] } }
    /// The number of samples in the batch.
    public var count: Int { indices.count }
}
