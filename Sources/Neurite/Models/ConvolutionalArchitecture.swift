extension Architecture {
    /// LeNet-5 as LeCun et al. (1998) laid it out, with ReLU and max pooling in place of the
    /// original's scaled tanh and trainable subsampling, for 784-pixel MNIST samples.
    /// `neurite train mnist --model lenet` trains it.
    public static let leNet5 =
        "reshape(1,28,28) conv(6,5,padding:2) relu maxpool(2) conv(16,5) relu maxpool(2) flatten dense(120,relu) dense(84,relu) dense(10)"

    /// Builders of convolutional layers (conv, pooling, dropout, batch normalisation):
    ///
    ///     conv(outChannels, kernel, stride: s, padding: p|same|valid, dilation: d, activation: a)
    ///     maxpool(k[, stride][, padding: p])   avgpool(k[, stride][, padding: p])   globalavgpool
    ///     dropout(rate)   batchnorm[(momentum: m, epsilon: e)]
    ///
    /// conv and the pooling layers take `[channels, height, width]` samples (put
    /// `reshape(1,28,28)` before them for flat MNIST images); batchnorm takes flat samples or
    /// images. The activation of conv may also be given positionally: `conv(6, 5, relu)`.
    static let convolutionalBuilders: [String: Builder] = [
        "conv": { layer, input, seed in
            let made = try convolution(layer, input, seed, fusing: nil)!
            return (made.layer, made.output)
        },
        "maxpool": { layer, input, _ in
            let (kernel, stride, padding) = try poolingArguments("maxpool", layer, input)
            return (MaxPool2D(kernel, stride: stride, padding: padding), pooledShape(input, kernel, stride, padding))
        },
        "avgpool": { layer, input, _ in
            let (kernel, stride, padding) = try poolingArguments("avgpool", layer, input)
            return (AvgPool2D(kernel, stride: stride, padding: padding), pooledShape(input, kernel, stride, padding))
        },
        "globalavgpool": { _, input, _ in
            (GlobalAveragePooling2D(), [try imageChannels("globalavgpool", input)])
        },
        "dropout": { layer, input, seed in
            let text = layer.arguments.first ?? layer.options["rate"] ?? "0.5"
            guard let rate = Float(text), rate >= 0, rate < 1 else {
                throw ArchitectureError.invalidArgument("dropout", "rate '\(text)' is not in [0, 1)")
            }
            return (Dropout(rate, seed: seed), input)
        },
        "batchnorm": { layer, input, _ in
            guard input.count == 1 || input.count == 3 else {
                throw ArchitectureError.invalidArgument("batchnorm", "needs flat samples or [channels, height, width] images, got \(input)")
            }
            let momentum = Float(layer.options["momentum"] ?? "0.1"), epsilon = Float(layer.options["epsilon"] ?? "1e-5")
            guard let momentum, let epsilon, (0...1).contains(momentum), epsilon > 0, epsilon.isFinite else {
                throw ArchitectureError.invalidArgument("batchnorm", "needs momentum in [0, 1] and a positive, finite epsilon")
            }
            return (BatchNorm(input[0], momentum: momentum, epsilon: epsilon), input)
        },
    ]
}

extension Architecture {
    /// The `conv` layer of `layer` for `input` samples. With `fusing`, the activation of the layer
    /// that follows is applied by the convolution itself (see ``build(inputShape:seed:batchSize:)``); that
    /// returns `nil` when it cannot be: the conv has an activation of its own, or `fusing` is
    /// softmax or linear. The initial weights always follow the written activation.
    static func convolution(
        _ layer: LayerSpecification, _ input: [Int], _ seed: UInt64, fusing: Activation?
    ) throws -> (layer: Conv2D, output: [Int])? {
        let channels = try imageChannels("conv", input)
        let outChannels = try layer.integer(0, named: "channels")
        let kernel = try layer.integer(1, named: "kernel")
        let stride = try layer.integer(2, named: "stride", default: 1)
        let dilation = try layer.integer(Int.max, named: "dilation", default: 1)
        guard outChannels > 0, kernel > 0, stride > 0, dilation > 0 else {
            throw ArchitectureError.invalidArgument("conv", "channels, kernel, stride and dilation must be positive")
        }
        let padding: Conv2D.Padding
        switch layer.options["padding"]?.lowercased() {
        case nil, "valid": padding = .valid
        case "same": padding = .same
        case let text?:
            guard let amount = Int(text), amount >= 0, amount <= largestArgument else {
                throw ArchitectureError.invalidArgument("conv", "padding '\(text)' is neither a count nor same/valid")
            }
            padding = .explicit(amount, amount)
        }
        var activation = Activation.linear
        for word in layer.arguments.dropFirst(3).filter({ Int($0) == nil }) + [layer.options["activation"]].compactMap({ $0 }) {
            guard let parsed = Activation(rawValue: word.lowercased()), parsed != .softmax else {
                throw ArchitectureError.invalidArgument("conv", "'\(word)' is not an activation (relu, sigmoid, tanh, linear)")
            }
            activation = parsed
        }
        var applied = activation
        if let fusing {
            guard activation == .linear, fusing != .linear, fusing != .softmax else { return nil }
            applied = fusing
        }
        let conv = Conv2D(
            channels, outChannels, kernelSize: kernel, stride: stride, padding: padding, dilation: dilation,
            activation: applied, initializer: .default(for: activation), seed: seed)
        guard let output = conv.outputShape(forSample: input) else {
            throw ArchitectureError.invalidArgument(
                "conv", "a \(kernel)×\(kernel) kernel (dilation \(dilation)) does not fit a \(input[1])×\(input[2]) image with padding \(layer.options["padding"] ?? "0")")
        }
        return (conv, output)
    }
}

/// The channel count of `[channels, height, width]` samples, or an error telling how to get them.
private func imageChannels(_ layer: String, _ input: [Int]) throws -> Int {
    guard input.count == 3 else {
        throw ArchitectureError.invalidArgument(layer, "needs [channels, height, width] samples, got \(input); add e.g. reshape(1,28,28) before it")
    }
    return input[0]
}

/// Kernel, stride (default: the kernel) and padding of a pooling layer, checked against the image.
private func poolingArguments(_ name: String, _ layer: Architecture.LayerSpecification, _ input: [Int]) throws -> (Int, Int, Int) {
    _ = try imageChannels(name, input)
    let kernel = try layer.integer(0, named: "kernel")
    let stride = try layer.integer(1, named: "stride", default: kernel)
    let padding = try layer.integer(2, named: "padding", default: 0)
    guard kernel > 0, stride > 0 else { throw ArchitectureError.invalidArgument(name, "kernel and stride must be positive") }
    guard padding <= kernel / 2 else { throw ArchitectureError.invalidArgument(name, "padding \(padding) exceeds half the kernel \(kernel)") }
    guard input[1] + 2 * padding >= kernel, input[2] + 2 * padding >= kernel else {
        throw ArchitectureError.invalidArgument(name, "a \(kernel)×\(kernel) window does not fit a \(input[1])×\(input[2]) image")
    }
    return (kernel, stride, padding)
}

private func pooledShape(_ input: [Int], _ kernel: Int, _ stride: Int, _ padding: Int) -> [Int] {
    [input[0], (input[1] + 2 * padding - kernel) / stride + 1, (input[2] + 2 * padding - kernel) / stride + 1]
}
