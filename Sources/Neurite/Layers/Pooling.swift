/// Max pooling over NCHW feature maps: each output is the largest value of a k×k window.
///
/// It halves the resolution at k = stride = 2, which makes later filters see a larger part of
/// the image, and it makes the output insensitive to shifts smaller than the window. Only the
/// maximal input of a window receives gradient.
public struct MaxPool2D: Layer {
    /// The window is kernelSize × kernelSize pixels.
    public let kernelSize: Int
    /// The distance between neighbouring windows.
    public let stride: Int
    /// How far windows may hang over each border.
    public let padding: Int

    /// - Parameters:
    ///   - stride: defaults to the kernel size (non-overlapping windows).
    ///   - padding: lets windows hang this many pixels over every border; at most half the kernel,
    ///     so that every window still covers part of the image.
    public init(_ kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        precondition(kernelSize > 0 && (stride ?? 1) > 0, "MaxPool2D needs a positive kernel size and stride")
        precondition(padding >= 0 && padding <= kernelSize / 2, "MaxPool2D padding must be in 0...kernelSize/2")
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        let g = try poolingGeometry(input, kernelSize: kernelSize, stride: stride, padding: padding, layer: "MaxPool2D(\(kernelSize))")
        return maxPool2D(input, geometry: g)
    }
}

/// Average pooling over NCHW feature maps: each output is the mean of a k×k window (padding
/// counts as zeros). A smoother downsampling than max pooling; every input gets gradient.
public struct AvgPool2D: Layer {
    /// The window is kernelSize × kernelSize pixels.
    public let kernelSize: Int
    /// The distance between neighbouring windows.
    public let stride: Int
    /// How far windows may hang over each border.
    public let padding: Int

    /// - Parameters:
    ///   - stride: defaults to the kernel size (non-overlapping windows).
    ///   - padding: zeros added on every border, at most half the kernel.
    public init(_ kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        precondition(kernelSize > 0 && (stride ?? 1) > 0, "AvgPool2D needs a positive kernel size and stride")
        precondition(padding >= 0 && padding <= kernelSize / 2, "AvgPool2D padding must be in 0...kernelSize/2")
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        let g = try poolingGeometry(input, kernelSize: kernelSize, stride: stride, padding: padding, layer: "AvgPool2D(\(kernelSize))")
        return averagePool2D(input, geometry: g)
    }
}

/// The mean of each channel over the whole image, `[n, c, h, w] → [n, c]`.
///
/// Replaces flatten + a large dense layer at the end of a convolutional network: the classifier
/// then has c inputs whatever the image size, and far fewer weights to overfit with.
public struct GlobalAveragePooling2D: Layer {
    /// A global average pooling layer; it has no parameters.
    public init() {}

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        guard input.rank == 4, input.shape[2] > 0, input.shape[3] > 0 else {
            throw TensorError.layerInput(layer: "GlobalAveragePooling2D", expected: "[batch, channels, h, w]", got: input.shape)
        }
        let (n, c) = (input.shape[0], input.shape[1])
        return input.reshaped([n, c, input.shape[2] * input.shape[3]]).mean(alongAxis: 2)
    }
}

/// The geometry of a pooling window over `input` `[n, c, h, w]`, or the layer's input error.
func poolingGeometry(_ input: Tensor, kernelSize: Int, stride: Int, padding: Int, layer: String) throws -> ConvolutionGeometry {
    guard input.rank == 4, input.shape[2] + 2 * padding >= kernelSize, input.shape[3] + 2 * padding >= kernelSize else {
        let smallest = max(1, kernelSize - 2 * padding)
        throw TensorError.layerInput(layer: layer, expected: "[batch, channels, h, w] with h, w ≥ \(smallest)", got: input.shape)
    }
    let (height, width) = (input.shape[2], input.shape[3])
    return ConvolutionGeometry(
        channels: input.shape[1], height: height, width: width, kernelHeight: kernelSize, kernelWidth: kernelSize,
        stride: stride, dilation: 1, padTop: padding, padLeft: padding,
        outputHeight: (height + 2 * padding - kernelSize) / stride + 1, outputWidth: (width + 2 * padding - kernelSize) / stride + 1)
}
