extension Layer {
    /// The model's outputs for `inputs`, computed in batches without recording gradients.
    public func predict(_ inputs: Tensor, batchSize: Int = 1000) throws -> Tensor {
        try withoutGradient {
            guard inputs.rank >= 1, inputs.shape[0] > batchSize else { return try self(inputs) }
            var parts: [Float] = []
            var outputShape: [Int] = []
            for start in stride(from: 0, to: inputs.shape[0], by: batchSize) {
                let output = try self(inputs.rows(start..<min(start + batchSize, inputs.shape[0])))
                outputShape = Array(output.shape.dropFirst())
                parts += output.scalars
            }
            return try Tensor(shape: [inputs.shape[0]] + outputShape, scalars: parts)
        }
    }

    /// The fraction of samples whose largest output is at their label.
    public func accuracy(on dataset: Dataset, batchSize: Int = 1000) throws -> Double {
        guard dataset.count > 0 else { return 0 }
        var correct = 0
        try withoutGradient {
            for batch in dataset.batches(size: batchSize) {
                let predicted = try self(batch.inputs).argmax(alongAxis: -1)
                correct += zip(predicted, batch.labels).filter { $0 == $1 }.count
            }
        }
        return Double(correct) / Double(dataset.count)
    }
}
