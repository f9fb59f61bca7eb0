/// A model's layers as a table, like Keras's `model.summary()`: each layer, the shape of its
/// output for one sample, and how many numbers it holds.
///
/// ```
/// layer                   output shape  parameters
/// ------------------------------------------------
/// input                   [784]
/// Dense(784 → 128, relu)  [128]             100480
/// Dense(128 → 10)         [10]                1290
/// ------------------------------------------------
/// total 101770 parameters: 101770 trainable, 0 non-trainable
/// ```
///
/// The output shapes are found by running one sample of zeros through the layers, without
/// recording gradients and in evaluation mode (so batch normalisation's running statistics stay
/// as they are); that works for any layer, including ones users write, without each layer
/// having to state its shape rule a second time.
public struct ModelSummary: Sendable, CustomStringConvertible {
    /// One row of the table.
    public struct Row: Sendable {
        /// What the layer is, e.g. `Dense(784 → 128, relu)`.
        public let layer: String
        /// The shape of the layer's output for one sample (without the batch dimension).
        public let outputShape: [Int]
        /// Numbers that training updates.
        public let trainableParameters: Int
        /// Numbers saved with the model but not trained (batch normalisation's running statistics).
        public let nonTrainableParameters: Int
    }

    /// The shape of one input sample.
    public let inputShape: [Int]
    /// The layers, first applied first.
    public let rows: [Row]
    /// The model's trainable numbers (each shared parameter counted once).
    public let trainableParameters: Int
    /// The model's non-trainable numbers.
    public let nonTrainableParameters: Int

    /// All the numbers the model holds.
    public var totalParameters: Int { trainableParameters + nonTrainableParameters }

    /// The summary of `model` applying `layers` (each with the name to show) to samples of
    /// `inputShape`.
    /// - Throws: ``TensorError`` naming the layer that cannot take its predecessor's output.
    init(model: some Layer, layers: [(name: String, layer: any Layer)], inputShape: [Int]) throws {
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }) else {
            throw TensorError.invalidArgument("summary: input shape \(inputShape) must be one or more positive sizes")
        }
        var activation = Tensor.zeros([1] + inputShape)
        var rows: [Row] = []
        for (name, layer) in layers {
            activation = try layer.predict(activation)
            let parameters = layer.namedParameters.map(\.parameter)
            rows.append(Row(
                layer: name, outputShape: Array(activation.shape.dropFirst()),
                trainableParameters: parameters.filter(\.isTrainable).reduce(0) { $0 + $1.value.count },
                nonTrainableParameters: parameters.filter { !$0.isTrainable }.reduce(0) { $0 + $1.value.count }))
        }
        let all = model.namedParameters.map(\.parameter)
        self.inputShape = inputShape
        self.rows = rows
        trainableParameters = all.filter(\.isTrainable).reduce(0) { $0 + $1.value.count }
        nonTrainableParameters = all.filter { !$0.isTrainable }.reduce(0) { $0 + $1.value.count }
    }

    /// The table, one layer per line, then the totals.
    public var description: String {
        let shapes = rows.map { "[" + $0.outputShape.map(String.init).joined(separator: ", ") + "]" }
        let counts = rows.map { String($0.trainableParameters + $0.nonTrainableParameters) }
        let layerWidth = max(5, rows.map(\.layer.count).max() ?? 0) + 2
        let shapeWidth = max(12, shapes.map(\.count).max() ?? 0) + 2
        let countWidth = max(10, counts.map(\.count).max() ?? 0)
        func line(_ layer: String, _ shape: String, _ count: String) -> String {
            layer.padding(toLength: layerWidth, withPad: " ", startingAt: 0)
                + shape.padding(toLength: shapeWidth, withPad: " ", startingAt: 0)
                + String(repeating: " ", count: max(0, countWidth - count.count)) + count
        }
        func trimmed(_ text: String) -> String { String(text.reversed().drop { $0 == " " }.reversed()) }
        let rule = String(repeating: "-", count: layerWidth + shapeWidth + countWidth)
        var lines = [line("layer", "output shape", "parameters"), rule]
        lines.append(line("input", "[" + inputShape.map(String.init).joined(separator: ", ") + "]", ""))
        for (index, row) in rows.enumerated() { lines.append(line(row.layer, shapes[index], counts[index])) }
        lines.append(rule)
        lines.append("total \(totalParameters) parameters: \(trainableParameters) trainable, \(nonTrainableParameters) non-trainable")
        return lines.map(trimmed).joined(separator: "\n")
    }
}

extension Layer {
    /// This model's layers, output shapes for samples of `inputShape` and parameter counts.
    /// A ``Sequential`` shows one row per layer; any other layer is one row.
    /// - Parameter inputShape: one sample's shape, e.g. `[784]`; may be omitted when the first
    ///   layer is a ``Dense``, whose input size it is.
    /// - Throws: ``TensorError`` when `inputShape` is missing or a layer cannot take its
    ///   predecessor's output.
    public func summary(inputShape: [Int]? = nil) throws -> ModelSummary {
        let layers = (self as? Sequential)?.layers ?? [self]
        guard let shape = inputShape ?? (layers.first as? Dense).map({ [$0.inputSize] }) else {
            throw TensorError.invalidArgument("summary: give the input shape; the first layer does not determine it")
        }
        return try ModelSummary(model: self, layers: layers.map { (layerDescription($0), $0) }, inputShape: shape)
    }
}

extension Architecture {
    /// The summary of the model this description builds for samples of `inputShape`, each row
    /// named by the layer as written (`conv(6, 5, padding: 2)`).
    /// - Throws: ``ArchitectureError`` when the description does not fit `inputShape`.
    public func summary(inputShape: [Int]) throws -> ModelSummary {
        let model = try build(inputShape: inputShape, seed: 0)
        return try ModelSummary(model: model, layers: zip(layers.map(\.description), model.layers).map { ($0, $1) }, inputShape: inputShape)
    }
}

/// How a summary names a layer: its type and the settings that decide its shape and size.
func layerDescription(_ layer: any Layer) -> String {
    switch layer {
    case let dense as Dense:
        return "Dense(\(dense.inputSize) → \(dense.outputSize)\(dense.activation == .linear ? "" : ", \(dense.activation.rawValue)"))"
    case let conv as Conv2D:
        return String(conv.name.dropLast()) + (conv.activation == .linear ? ")" : ", \(conv.activation.rawValue))")
    case let pool as MaxPool2D: return "MaxPool2D(\(pool.kernelSize), stride \(pool.stride))"
    case let pool as AvgPool2D: return "AvgPool2D(\(pool.kernelSize), stride \(pool.stride))"
    case is GlobalAveragePooling2D: return "GlobalAveragePooling2D"
    case let dropout as Dropout: return "Dropout(\(dropout.rate))"
    case let norm as BatchNorm: return "BatchNorm(\(norm.featureCount))"
    case is Flatten: return "Flatten"
    case let reshape as Reshape: return "Reshape(\(reshape.shape.map(String.init).joined(separator: ", ")))"
    case let activation as Activation: return activation.rawValue
    case let sequential as Sequential: return "Sequential(\(sequential.layers.count) layers)"
    default: return String(describing: type(of: layer))
    }
}
