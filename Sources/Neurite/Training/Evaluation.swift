/// The batch of ``Layer/predict(_:batchSize:)``, ``Layer/accuracy(on:batchSize:)`` and the
/// evaluations of `fit`: large enough for full-speed matrix products, small enough that a
/// convolutional network's activations stay small (LeNet-5's first layer unfolds 78 KB of
/// patches per image, 78 MB for a batch of 1,000, and the buffer pool keeps freed buffers).
public let inferenceBatchSize = 256

extension Layer {
    /// The model's outputs for `inputs`, computed in batches without recording gradients, in
    /// evaluation mode (dropout off, batch normalisation on its running statistics).
    /// - Throws: what the layers throw, and ``TensorError/invalidArgument(_:)`` for a batch size
    ///   below 1 or when the outputs of all the samples would exceed ``SizeLimit`` (checked after
    ///   the first batch, before the rest are computed).
    public func predict(_ inputs: Tensor, batchSize: Int = inferenceBatchSize) throws -> Tensor {
        // Thrown, as `fit` does, rather than met as `stride`'s or `batches`' precondition.
        guard batchSize > 0 else { throw TensorError.invalidArgument("predict needs batchSize > 0, found \(batchSize)") }
        return try inference {
            guard inputs.rank >= 1, inputs.shape[0] > batchSize else { return try self(inputs) }
            var parts: [Float] = []
            var outputShape: [Int] = []
            for start in stride(from: 0, to: inputs.shape[0], by: batchSize) {
                let output = try self(inputs.rows(start..<min(start + batchSize, inputs.shape[0])))
                if start == 0 {
                    // A model may give far more per sample than it takes (a wide convolution).
                    outputShape = Array(output.shape.dropFirst())
                    if let problem = SizeLimit.problem(shape: [inputs.shape[0]] + outputShape) {
                        throw TensorError.invalidArgument("the outputs of \(inputs.shape[0]) samples: \(problem)")
                    }
                    parts.reserveCapacity(inputs.shape[0] * outputShape.reduce(1, *))
                }
                parts += output.scalars
            }
            return try Tensor(shape: [inputs.shape[0]] + outputShape, scalars: parts)
        }
    }

    /// The fraction of samples whose largest output is at their label, in evaluation mode, in
    /// batches of `batchSize` (``inferenceBatchSize``).
    /// - Throws: what the layers throw, and ``TensorError/invalidArgument(_:)`` for a batch size below 1.
    public func accuracy(on dataset: Dataset, batchSize: Int = inferenceBatchSize) throws -> Double {
        guard batchSize > 0 else { throw TensorError.invalidArgument("accuracy needs batchSize > 0, found \(batchSize)") }
        guard dataset.count > 0 else { return 0 }
        var correct = 0
        try inference {
            for batch in dataset.batches(size: batchSize) {
                let predicted = try self(batch.inputs).argmaxIndices(alongAxis: -1)
                correct += zip(predicted, batch.labels).filter { $0 == $1 }.count
            }
        }
        return Double(correct) / Double(dataset.count)
    }
}

/// Runs `body` as inference: no autograd graph, and every layer in evaluation mode whatever mode
/// the model was left in.
private func inference<R>(_ body: () throws -> R) rethrows -> R {
    try withLayerMode(.evaluation) { try withoutGradient(body) }
}
