extension Architecture {
    /// The largest count an architecture may write (units, channels, kernel, stride, padding,
    /// dilation, reshape dimensions): 2³¹. Far above any real layer, and small enough that the
    /// sums and products of two of them (a dilated kernel's span, a padded image) cannot
    /// overflow; larger products are computed with overflow checks.
    public static let largestArgument = 1 << 31

    /// A model for classifying samples of `inputShape` into `classes` classes: built as
    /// ``build(inputShape:seed:batchSize:)`` does, then checked to produce one logit per class and to
    /// have something to train.
    /// - Throws: ``ArchitectureError/unsuitable(_:)`` when the last layer's output is not
    ///   `[classes]` (e.g. `dense(128, relu)` with no output layer) or the model has no parameters,
    ///   and what ``build(inputShape:seed:batchSize:)`` throws.
    public func buildClassifier(inputShape: [Int], classes: Int, seed: UInt64, batchSize: Int = 1) throws -> Sequential {
        let (model, output) = try buildWithOutputShape(inputShape: inputShape, seed: seed, batchSize: batchSize)
        guard output == [classes] else {
            throw ArchitectureError.unsuitable(
                "expected the last layer to output \(classes) values (one per class), found shape \(output); end with e.g. dense(\(classes))")
        }
        guard model.parameterCount > 0 else {
            throw ArchitectureError.unsuitable("expected layers with weights to train, found none in \"\(description)\"")
        }
        return model
    }

    /// Refuses a sample shape with a zero or negative dimension, or too large to allocate.
    static func checkSample(_ shape: [Int], after position: String) throws {
        guard shape.allSatisfy({ $0 > 0 }) else {
            throw ArchitectureError.unsuitable("expected positive sizes, found sample shape \(shape) after \(position)")
        }
        if let problem = SizeLimit.problem(shape: shape) {
            throw ArchitectureError.unsuitable("one sample after \(position): \(problem)")
        }
    }

    /// The model's parameter count once `layer` is added to `total`, refused before the layer
    /// allocates them when they overflow or exceed ``SizeLimit``. Only dense, conv, embedding and
    /// recurrent layers have weights whose count grows with the product of written sizes (their
    /// biases are small beside the weights and left out).
    static func checkParameters(of layer: LayerSpecification, input: [Int], total: Int) throws -> Int {
        let weightShape: [Int]
        switch layer.name {
        case "dense" where input.count == 1 || input.count == 2:
            weightShape = [input[input.count - 1], try layer.integer(0, named: "units")]
        case "conv" where input.count == 3:
            let kernel = try layer.integer(1, named: "kernel")
            weightShape = [try layer.integer(0, named: "channels"), input[0], kernel, kernel]
        default:
            guard let shape = try recurrentWeightShape(of: layer, input: input) else { return total }
            weightShape = shape
        }
        guard let count = SizeLimit.elementCount(weightShape) else {
            throw ArchitectureError.invalidArgument(layer.name, "\(layer) needs more parameters than a 64-bit count can hold")
        }
        let (sum, overflow) = total.addingReportingOverflow(count)
        if let problem = SizeLimit.problem(floats: overflow ? nil : sum, what: "the model up to \(layer)") {
            throw ArchitectureError.unsuitable(problem)
        }
        return sum
    }
}
