import Neurite

extension PlaygroundSession {
    /// The side of the decision-region grid, and of each hidden unit's heat map.
    public static let regionGridSize = 40
    public static let unitGridSize = 20
    /// Points of the 1-D curve.
    public static let curvePoints = 200
    /// First-layer units shown for MNIST.
    public static let shownDigitUnits = 16

    /// The frame of the protocol for the model as it is now: losses and accuracies on the whole
    /// train and test sets, the last step's gradient norms, and the views of the task.
    public func frame(playing: Bool) -> PlaygroundFrame {
        var frame = PlaygroundFrame(step: step, epoch: SignificantDigits.round(epoch), playing: playing)
        (frame.trainLoss, frame.trainAccuracy) = evaluate(data.train)
        (frame.testLoss, frame.testAccuracy) = evaluate(data.test)
        frame.gradientNorms = layers.indices.map { index in
            PlaygroundFrame.GradientNorm(
                layer: "layers.\(index)",
                weight: SignificantDigits.round(gradientNorms["layers.\(index).weight"] ?? 0),
                bias: SignificantDigits.round(gradientNorms["layers.\(index).bias"] ?? 0))
        }
        switch config.dataset {
        case .circle, .xor, .gaussians, .spiral:
            frame.weights = weightMatrices()
            frame.regions = try? regions()
            frame.units = try? unitMaps()
        case .function:
            frame.weights = weightMatrices()
            frame.curve = try? curve()
        case .mnist:
            frame.mnist = try? digitsView()
        }
        return frame
    }

    /// The mean loss over `set`, and the accuracy for classification; nil where not finite.
    private func evaluate(_ set: Dataset) -> (loss: Double?, accuracy: Double?) {
        guard let outputs = try? layerOutputs(set.inputs).last,
              let loss = try? withoutGradient({ try head.loss(outputs, set.targets) }) else { return (nil, nil) }
        guard head.isClassification else { return (SignificantDigits.round(loss.scalar), nil) }
        let accuracy = try? ConfusionMatrix(predictions: head.loss.predictions(from: outputs), targets: set.targets).accuracy
        return (SignificantDigits.round(loss.scalar), accuracy.flatMap(SignificantDigits.round))
    }

    /// Each layer's weights as `[output unit][input]` (Dense stores `[input, output]`).
    private func weightMatrices() -> [[[Double?]]] {
        layers.map { layer in
            let values = layer.weight.scalars, outputs = layer.outputSize
            return (0..<outputs).map { unit in
                (0..<layer.inputSize).map { input in SignificantDigits.round(values[input * outputs + unit]) }
            }
        }
    }

    /// The network's inputs for a `size` × `size` grid over [-6, 6]², row-major from (−6, 6).
    private func gridInputs(size: Int) throws -> Tensor {
        let extent = ToyDataset.planeExtent, spacing = 2 * extent / Float(size - 1)
        let points = (0..<size).flatMap { row in
            (0..<size).flatMap { column in [-extent + spacing * Float(column), extent - spacing * Float(row)] }
        }
        return try PlaygroundFeature.expand(Tensor(shape: [size * size, 2], scalars: points), features: config.features)
    }

    /// P(class 1) (or the head's value) on the 40 × 40 grid.
    private func regions() throws -> PlaygroundFrame.Grid {
        let size = Self.regionGridSize
        let outputs = try layerOutputs(gridInputs(size: size)).last!
        let predictions = try withoutGradient { try head.loss.predictions(from: outputs) }
        let columns = predictions.shape[1], values = predictions.scalars
        // Softmax over two classes: the second column is P(class 1).
        let classOne = (0..<size * size).map { values[$0 * columns + columns - 1] }
        return PlaygroundFrame.Grid(size: size, values: SignificantDigits.round(classOne))
    }

    /// Every hidden unit's activation on the 20 × 20 grid.
    private func unitMaps() throws -> [[PlaygroundFrame.Grid]] {
        let size = Self.unitGridSize
        return try layerOutputs(gridInputs(size: size)).dropLast().map { activations in
            let units = activations.shape[1], values = activations.scalars
            return (0..<units).map { unit in
                PlaygroundFrame.Grid(size: size, values: (0..<size * size).map { SignificantDigits.round(values[$0 * units + unit]) })
            }
        }
    }

    /// The fit on twice the training range, with the true function.
    private func curve() throws -> PlaygroundFrame.Curve {
        let low = Float(config.range[0]), high = Float(config.range[1])
        let center = (low + high) / 2, width = high - low
        let x = (0..<Self.curvePoints).map { center - width + 2 * width * Float($0) / Float(Self.curvePoints - 1) }
        let outputs = try layerOutputs(Tensor(shape: [x.count, 1], scalars: x)).last!
        return PlaygroundFrame.Curve(
            x: SignificantDigits.round(x), predicted: SignificantDigits.round(outputs.scalars),
            true: SignificantDigits.round(x.map { config.function($0) }),
            trainRange: [SignificantDigits.round(low), SignificantDigits.round(high)])
    }

    /// The first layer's first units as 784 weights each, and the confusion matrix on the test images.
    private func digitsView() throws -> PlaygroundFrame.DigitsView {
        let first = layers[0], values = first.weight.scalars, units = first.outputSize
        let shown = (0..<min(units, Self.shownDigitUnits)).map { unit in
            (0..<first.inputSize).map { pixel in SignificantDigits.round(values[pixel * units + unit]) }
        }
        let outputs = try layerOutputs(data.test.inputs).last!
        let matrix = try ConfusionMatrix(predictions: head.loss.predictions(from: outputs), targets: data.test.targets)
        return PlaygroundFrame.DigitsView(firstLayer: shown, confusion: matrix.counts)
    }
}
