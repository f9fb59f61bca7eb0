extension Sequential {
    /// When the layers from `index` on are a ``Conv2D`` that the direct kernels take, then only
    /// identity or ReLU ``Activation`` layers, then a 2×2, stride-2 ``MaxPool2D`` without padding
    /// (LeNet's `conv relu maxpool(2)`): their output for `input`, computed in one pass, and the
    /// index of the layer after the pooling. `nil` for any other run of layers.
    ///
    /// Why here and not in the layers: the pooled output is computed from the convolution's
    /// per-sample tile while it is in L1, and the full-size activation and its gradient are
    /// never stored (`direct_conv_pool.c`), which no layer can do for its neighbour. The layers
    /// stay as written, so summaries, saved models and exports see the same model; the output
    /// and every gradient are bit for bit those of the layers run one by one, which the tests check.
    func convolutionWithPooling(at index: Int, _ input: Tensor) throws -> (output: Tensor, next: Int)? {
        // A metatype comparison first: most layers are not convolutions, and a cast costs more.
        guard type(of: layers[index]) == Conv2D.self, let convolution = layers[index] as? Conv2D,
              convolution.activation == .relu || convolution.activation == .linear else { return nil }
        var activation = convolution.activation
        var next = index + 1
        while next < layers.endIndex, let between = layers[next] as? Activation, between == .linear || between == .relu {
            if between == .relu { activation = .relu }  // relu(relu(x)) = relu(x), bit for bit
            next += 1
        }
        guard next < layers.endIndex, let pooling = layers[next] as? MaxPool2D,
              pooling.kernelSize == 2, pooling.stride == 2, pooling.padding == 0 else { return nil }
        let g = try convolution.geometry(of: input)
        guard g.allowsDirectConvolution(outputChannels: convolution.outChannels), g.outputHeight >= 2, g.outputWidth >= 2 else {
            return nil
        }
        let output = directConvolutionMaxPool2D(
            input, weight: convolution.weight, bias: convolution.bias?.value, geometry: g,
            activation: Kernels.FusedActivation(activation))
        return (output, next + 1)
    }
}
