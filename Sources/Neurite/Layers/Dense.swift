/// A fully connected layer: every output unit sees every input, a = g(x·W + b).
///
/// `W` is stored as `[inputSize, outputSize]`, so column j holds the weights of unit j (reshape a
/// first-layer column to 28×28 to see what a unit looks for in an MNIST digit), and the forward
/// pass is one matrix product of the batch `[n, inputSize]` with `W`, with the bias and the
/// activation applied while the product is still in registers.
public struct Dense: Layer {
    @Parameter public var weight: Tensor
    /// The biases b, `[outputSize]`, starting at zero; `nil` for a layer built with `useBias: false`.
    public let bias: ParameterReference?
    /// The activation g applied to x·W + b.
    public let activation: Activation

    /// - Parameters:
    ///   - initializer: for the weights; defaults to He before ReLU and Xavier otherwise.
    ///     Biases start at zero.
    ///   - seed: makes the initial weights reproducible; by default the layer draws its seed from the
    ///     global generator (see ``seed(_:)``).
    public init(
        _ inputSize: Int, _ outputSize: Int, activation: Activation = .linear, initializer: Initializer? = nil,
        useBias: Bool = true, seed: UInt64? = nil
    ) {
        precondition(inputSize > 0 && outputSize > 0, "Dense needs positive sizes, got \(inputSize)→\(outputSize)")
        // Sizes from outside (architecture text, saved metadata) are checked by `Architecture`
        // with a thrown error; reaching this with a weight matrix beyond memory is a caller's bug.
        if let problem = SizeLimit.problem(shape: [inputSize, outputSize]) { preconditionFailure("Dense weights: \(problem)") }
        var generator = RandomGenerator(seed: GlobalRandom.seed(seed))
        let initializer = initializer ?? .default(for: activation)
        _weight = Parameter(
            wrappedValue: initializer.make([inputSize, outputSize], fanIn: inputSize, fanOut: outputSize, using: &generator))
        bias = useBias ? ParameterReference(.zeros([outputSize])) : nil
        self.activation = activation
    }

    /// The number of inputs each unit sees.
    public var inputSize: Int { weight.shape[0] }
    /// The number of units.
    public var outputSize: Int { weight.shape[1] }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        // `$weight.value`, not `inputSize`: the wrapper's getter would copy the whole tensor.
        guard input.rank >= 1, input.shape[input.rank - 1] == $weight.value.shape[0] else {
            throw TensorError.layerInput(layer: "Dense(\(inputSize), \(outputSize))", expected: "[batch, \(inputSize)]", got: input.shape)
        }
        return denseForward(input, weight: $weight, bias: bias, activation: activation)
    }
}
