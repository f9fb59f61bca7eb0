/// A 2-D convolution: each output channel slides one learned kh×kw filter over all input
/// channels, y[n, o, i, j] = g(b[o] + Σ_c Σ_p Σ_q W[o, c, p, q] · x[n, c, i·s + p·d − pad, j·s + q·d − pad]).
///
/// Layout is NCHW everywhere: inputs `[batch, channels, height, width]`, weights
/// `[outChannels, inChannels, kh, kw]` (PyTorch's layout, so weights can be compared or moved
/// across). Sharing one small filter across every position is what makes convolutions suit
/// images: a feature is detected wherever it appears, with kh·kw·c_in weights instead of a dense
/// layer's h·w·c_in per unit.
///
/// The forward pass is im2col plus one matrix product for the whole batch (see
/// `Operations/Convolution.swift` for why, and for the backward pass).
public struct Conv2D: Layer {
    /// How the border of the image is treated.
    public enum Padding: Sendable, Equatable {
        /// No padding: the output shrinks by dilation·(kernel − 1).
        case valid
        /// Zeros added so that the output has ⌈input / stride⌉ pixels per axis (the input's size
        /// at stride 1); when the total padding is odd the extra row/column goes at the
        /// bottom/right, as in TensorFlow.
        case same
        /// That many rows of zeros above and below, and columns left and right.
        case explicit(Int, Int)
    }

    @Parameter public var weight: Tensor
    /// One bias per output channel, starting at zero; `nil` with `useBias: false`.
    public let bias: ParameterReference?
    /// The step between neighbouring windows, in pixels.
    public let stride: Int
    /// How the border is treated.
    public let padding: Padding
    /// The spacing between kernel taps (1: adjacent pixels).
    public let dilation: Int
    /// The activation applied to each output.
    public let activation: Activation

    /// - Parameters:
    ///   - kernelSize: the filter's height and width.
    ///   - activation: applied in the same pass that lays the output out; softmax is not offered.
    ///   - initializer: defaults to He before ReLU and Xavier otherwise, with
    ///     fan-in = inChannels·kh·kw and fan-out = outChannels·kh·kw (the inputs one output sees
    ///     and the outputs one input feeds).
    ///   - seed: makes the initial weights reproducible; by default the layer draws its seed from the
    ///     global generator (see ``seed(_:)``).
    public init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Padding = .valid,
        dilation: Int = 1, useBias: Bool = true, activation: Activation = .linear, initializer: Initializer? = nil,
        seed: UInt64? = nil
    ) {
        precondition(inChannels > 0 && outChannels > 0 && kernelSize > 0, "Conv2D needs positive sizes")
        precondition(stride > 0 && dilation > 0, "Conv2D needs a positive stride and dilation")
        if case let .explicit(rows, columns) = padding { precondition(rows >= 0 && columns >= 0, "Conv2D padding must not be negative") }
        precondition(activation != .softmax, "Conv2D does not apply softmax; flatten and use a dense layer")
        // Sizes from outside are checked by `Architecture` with a thrown error; these are bugs.
        if let problem = SizeLimit.problem(shape: [outChannels, inChannels, kernelSize, kernelSize]) {
            preconditionFailure("Conv2D weights: \(problem)")
        }
        precondition(!dilation.multipliedReportingOverflow(by: kernelSize).overflow, "Conv2D dilation × kernel size overflows")
        var generator = RandomGenerator(seed: GlobalRandom.seed(seed))
        let initializer = initializer ?? .default(for: activation)
        let taps = kernelSize * kernelSize
        _weight = Parameter(wrappedValue: initializer.make(
            [outChannels, inChannels, kernelSize, kernelSize], fanIn: inChannels * taps, fanOut: outChannels * taps,
            using: &generator))
        bias = useBias ? ParameterReference(.zeros([outChannels])) : nil
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.activation = activation
    }

    /// Channels of the input.
    public var inChannels: Int { weight.shape[1] }
    /// Channels of the output: the number of filters.
    public var outChannels: Int { weight.shape[0] }
    /// The filters are kernelSize × kernelSize.
    public var kernelSize: Int { weight.shape[2] }

    /// The output's `[channels, height, width]` for one sample of `[channels, height, width]`,
    /// or `nil` when the image is too small for the kernel.
    public func outputShape(forSample shape: [Int]) -> [Int]? {
        guard shape.count == 3, shape[0] == inChannels, let g = geometry(height: shape[1], width: shape[2]) else { return nil }
        return [outChannels, g.outputHeight, g.outputWidth]
    }

    /// The floats the convolution of a batch of `samples` samples of `shape` allocates besides its
    /// output and its input's gradient (the unfolded patches; see ``convolutionScratch``), or `nil`
    /// when the image does not fit the kernel.
    func scratch(forSample shape: [Int], samples: Int) -> Int? {
        guard shape.count == 3, let g = geometry(height: shape[1], width: shape[2]) else { return nil }
        return convolutionScratch(geometry: g, outputChannels: outChannels, samples: samples)
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        convolution2D(input, weight: weight, bias: bias?.value, geometry: try geometry(of: input), activation: Kernels.FusedActivation(activation))
    }

    /// The geometry of this convolution over `input`, or the layer's input error.
    func geometry(of input: Tensor) throws -> ConvolutionGeometry {
        guard input.rank == 4, input.shape[1] == inChannels, let g = geometry(height: input.shape[2], width: input.shape[3]) else {
            throw TensorError.layerInput(layer: name, expected: expectedInput, got: input.shape)
        }
        return g
    }

    /// "Conv2D(1→6, 5×5)", how errors name the layer.
    var name: String { "Conv2D(\(inChannels)→\(outChannels), \(kernelSize)×\(kernelSize))" }

    /// The smallest image the kernel fits in, for error messages.
    private var expectedInput: String {
        let span = dilation * (kernelSize - 1) + 1
        switch padding {
        case .same: return "[batch, \(inChannels), h, w] with h, w ≥ 1"
        case .valid: return "[batch, \(inChannels), h, w] with h, w ≥ \(span)"
        case let .explicit(rows, columns):
            return "[batch, \(inChannels), h, w] with h ≥ \(max(1, span - 2 * rows)), w ≥ \(max(1, span - 2 * columns))"
        }
    }

    private func geometry(height: Int, width: Int) -> ConvolutionGeometry? {
        let span = dilation * (kernelSize - 1) + 1
        // Heights and widths come from the caller's tensors; padding from the initializer.
        // With overflow checks, an absurd combination is "does not fit" rather than a trap.
        var (rows, columns) = (0, 0)
        if case let .explicit(r, c) = padding { (rows, columns) = (r, c) }
        guard let paddedHeight = checkedSum(height, rows, rows), let paddedWidth = checkedSum(width, columns, columns),
              checkedSum(height, stride, span) != nil, checkedSum(width, stride, span) != nil else { return nil }
        let padTop: Int, padLeft: Int, outputHeight: Int, outputWidth: Int
        switch padding {
        case .valid, .explicit:
            (padTop, padLeft) = (rows, columns)
            outputHeight = (paddedHeight - span) / stride + 1
            outputWidth = (paddedWidth - span) / stride + 1
            guard paddedHeight >= span, paddedWidth >= span else { return nil }
        case .same:
            outputHeight = (height + stride - 1) / stride
            outputWidth = (width + stride - 1) / stride
            padTop = max(0, (outputHeight - 1) * stride + span - height) / 2
            padLeft = max(0, (outputWidth - 1) * stride + span - width) / 2
        }
        guard height > 0, width > 0, outputHeight > 0, outputWidth > 0 else { return nil }
        return ConvolutionGeometry(
            channels: inChannels, height: height, width: width, kernelHeight: kernelSize, kernelWidth: kernelSize,
            stride: stride, dilation: dilation, padTop: padTop, padLeft: padLeft,
            outputHeight: outputHeight, outputWidth: outputWidth)
    }
}

/// `a + b + c`, or `nil` when it overflows.
private func checkedSum(_ a: Int, _ b: Int, _ c: Int) -> Int? {
    let first = a.addingReportingOverflow(b)
    let second = first.partialValue.addingReportingOverflow(c)
    return first.overflow || second.overflow ? nil : second.partialValue
}
