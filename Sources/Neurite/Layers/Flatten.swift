/// Folds each sample into a vector, `[n, c, h, w] → [n, c·h·w]`: the bridge from convolutional
/// feature maps to dense layers.
public struct Flatten: Layer {
    /// A flattening layer; it has no parameters.
    public init() {}

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        guard input.rank >= 1 else { throw TensorError.layerInput(layer: "Flatten", expected: "[batch, …]", got: input.shape) }
        return input.flattenedBatch()
    }
}

/// Gives each sample a new shape, `[n, …] → [n] + shape`, e.g. MNIST's 784 pixels to `[1, 28, 28]`.
public struct Reshape: Layer {
    /// The shape of one sample after the layer.
    public let shape: [Int]

    /// A layer giving every sample `shape`.
    public init(_ shape: [Int]) { self.shape = shape }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        guard input.rank >= 1, input.count == input.shape[0] * shape.reduce(1, *) else {
            throw TensorError.layerInput(layer: "Reshape(\(shape))", expected: "[batch, \(shape.reduce(1, *)) elements]", got: input.shape)
        }
        return input.reshaped([input.shape[0]] + shape)
    }
}
