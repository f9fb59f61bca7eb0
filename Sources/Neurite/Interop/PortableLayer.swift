/// One step of a model in the vocabulary PyTorch and ONNX share, with everything an exporter
/// needs resolved: activations fused into a dense or conv layer become steps of their own, `same`
/// padding becomes explicit pixel counts, and layers that compute nothing (the identity left by
/// conv fusion) disappear.
enum PortableLayer {
    case linear(Dense)
    /// Rows of zeros above and below, columns left and right (unequal for odd `same` padding).
    case convolution(Conv2D, top: Int, left: Int, bottom: Int, right: Int)
    /// `images` tells BatchNorm2d (`[n, c, h, w]`) from BatchNorm1d (`[n, f]`).
    case batchNormalization(BatchNorm, images: Bool)
    /// Never `.linear`.
    case activation(Activation)
    case maxPool(MaxPool2D)
    case averagePool(AvgPool2D)
    /// `[n, c, h, w] → [n, c]`.
    case globalAveragePool
    case flatten
    /// Each sample from the shape `from` to `to`.
    case reshape(from: [Int], to: [Int])
    case dropout(Float)

    /// The steps of `model` for samples of `sampleShape`, and the shape of one output sample.
    ///
    /// Shapes are found by passing one zero sample through the layers (in evaluation mode), which
    /// also proves that the model accepts the shape.
    /// - Throws: ``InteropError/unsupportedLayer(_:)`` for a layer other than Neurite's own, and the
    ///   layer's error when `sampleShape` does not fit the model.
    static func steps(of model: Sequential, sampleShape: [Int]) throws -> (steps: [PortableLayer], outputShape: [Int]) {
        var steps: [PortableLayer] = []
        var sample = Tensor.zeros([1] + sampleShape)
        for layer in flattened(model) {
            let input = Array(sample.shape.dropFirst())
            steps += try portable(layer, input: input)
            sample = try layer.predict(sample)
        }
        return (steps, Array(sample.shape.dropFirst()))
    }

    /// The layers of `model` with nested ``Sequential``s spliced in.
    static func flattened(_ model: Sequential) -> [any Layer] {
        model.layers.flatMap { layer -> [any Layer] in
            if let inner = layer as? Sequential { return flattened(inner) }
            return [layer]
        }
    }

    private static func portable(_ layer: any Layer, input: [Int]) throws -> [PortableLayer] {
        switch layer {
        case let dense as Dense:
            return [.linear(dense)] + activationStep(dense.activation)
        case let conv as Conv2D:
            let (top, left, bottom, right) = padding(of: conv, height: input[1], width: input[2])
            return [.convolution(conv, top: top, left: left, bottom: bottom, right: right)] + activationStep(conv.activation)
        case let norm as BatchNorm: return [.batchNormalization(norm, images: input.count == 3)]
        case let activation as Activation: return activationStep(activation)
        case let pool as MaxPool2D: return [.maxPool(pool)]
        case let pool as AvgPool2D: return [.averagePool(pool)]
        case is GlobalAveragePooling2D: return [.globalAveragePool]
        case is Flatten: return [.flatten]
        case let reshape as Reshape: return [.reshape(from: input, to: reshape.shape)]
        case let dropout as Dropout: return [.dropout(dropout.rate)]
        default: throw InteropError.unsupportedLayer(String(describing: type(of: layer)))
        }
    }

    private static func activationStep(_ activation: Activation) -> [PortableLayer] {
        activation == .linear ? [] : [.activation(activation)]
    }

    /// Conv2D's padding in pixels per side; `same` puts the odd pixel at the bottom/right, as
    /// Conv2D does (TensorFlow's rule).
    private static func padding(of conv: Conv2D, height: Int, width: Int) -> (Int, Int, Int, Int) {
        switch conv.padding {
        case .valid: return (0, 0, 0, 0)
        case let .explicit(rows, columns): return (rows, columns, rows, columns)
        case .same:
            let span = conv.dilation * (conv.kernelSize - 1) + 1
            func split(_ size: Int) -> (Int, Int) {
                let output = (size + conv.stride - 1) / conv.stride
                let total = max(0, (output - 1) * conv.stride + span - size)
                return (total / 2, total - total / 2)
            }
            let (top, bottom) = split(height), (left, right) = split(width)
            return (top, left, bottom, right)
        }
    }
}
