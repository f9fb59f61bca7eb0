import Foundation

extension Sequential {
    /// The model as an ONNX file (opset 17), for onnxruntime and the tools that read ONNX.
    ///
    /// Dense → Gemm (with Dense's `[in, out]` weight as B, untransposed), Conv2D → Conv (padding
    /// explicit, `same` resolved for `sampleShape`), BatchNorm → BatchNormalization (inference,
    /// running statistics), activations → Relu/Sigmoid/Tanh/Softmax (last axis), pooling →
    /// MaxPool/AveragePool (padding counted, as Neurite does)/GlobalAveragePool then Flatten,
    /// reshape → Reshape, flatten → Flatten; dropout does nothing at inference and is left out.
    /// The graph's `input` is `[batch] + sampleShape`, its `output` `[batch] + output shape`.
    /// - Throws: ``InteropError/unsupportedLayer(_:)`` for layers other than Neurite's own.
    public func onnxModel(sampleShape: [Int]) throws -> [UInt8] {
        let (steps, outputShape) = try PortableLayer.steps(of: self, sampleShape: sampleShape)
        var model = ONNXModel(inputShape: sampleShape, outputShape: outputShape)
        var current = ONNXModel.input
        func node(_ operation: String, _ extraInputs: [String] = [], _ attributes: [ONNXNode.Attribute] = []) {
            let name = "\(operation.lowercased())\(model.nodes.count)"
            model.nodes.append(ONNXNode(operation: operation, inputs: [current] + extraInputs, outputs: [name], name: name, attributes: attributes))
            current = name
        }
        func constant(_ key: String, _ tensor: Tensor) -> String {
            let name = "\(model.nodes.count).\(key)"
            model.initializers.append(ONNXTensor(name: name, shape: tensor.shape, values: .float(tensor.scalars)))
            return name
        }
        for step in steps {
            switch step {
            case let .linear(dense):
                let inputs = [constant("weight", dense.weight)] + (dense.bias.map { [constant("bias", $0.value)] } ?? [])
                node("Gemm", inputs)
            case let .convolution(conv, top, left, bottom, right):
                let inputs = [constant("weight", conv.weight)] + (conv.bias.map { [constant("bias", $0.value)] } ?? [])
                node("Conv", inputs, [
                    .ints("kernel_shape", [conv.kernelSize, conv.kernelSize]), .ints("strides", [conv.stride, conv.stride]),
                    .ints("pads", [top, left, bottom, right]), .ints("dilations", [conv.dilation, conv.dilation]),
                ])
            case let .batchNormalization(norm, _):
                let inputs = [
                    constant("gamma", norm.gamma), constant("beta", norm.beta),
                    constant("running_mean", norm.runningMean.value), constant("running_var", norm.runningVariance.value),
                ]
                node("BatchNormalization", inputs, [.float("epsilon", norm.epsilon)])
            case let .activation(activation):
                switch activation {
                case .linear: break
                case .relu: node("Relu")
                case .sigmoid: node("Sigmoid")
                case .tanh: node("Tanh")
                case .softmax: node("Softmax", [], [.int("axis", -1)])
                }
            case let .maxPool(pool):
                node("MaxPool", [], poolAttributes(pool.kernelSize, pool.stride, pool.padding))
            case let .averagePool(pool):
                node("AveragePool", [], poolAttributes(pool.kernelSize, pool.stride, pool.padding) + [.int("count_include_pad", 1)])
            case .globalAveragePool:
                node("GlobalAveragePool")  // [n, c, 1, 1]; Neurite's layer gives [n, c]
                node("Flatten", [], [.int("axis", 1)])
            case .flatten:
                node("Flatten", [], [.int("axis", 1)])
            case let .reshape(_, shape):
                let name = "\(model.nodes.count).shape"
                // 0 keeps the batch dimension of the input.
                model.initializers.append(ONNXTensor(name: name, shape: [shape.count + 1], values: .int64([0] + shape)))
                node("Reshape", [name])
            case .dropout:
                continue
            }
        }
        if model.nodes.isEmpty { node("Identity") }
        model.nodes[model.nodes.count - 1].outputs = [ONNXModel.output]
        return model.encoded()
    }

    /// Writes ``onnxModel(sampleShape:)`` to `url` with ``AtomicFile``: an interrupted or failed
    /// export leaves the file that was there.
    /// - Throws: what ``onnxModel(sampleShape:)`` throws; ``SerializationError/unwritable(_:reason:)``
    ///   naming the file when it cannot be written.
    public func writeONNX(sampleShape: [Int], to url: URL) throws {
        try AtomicFile.write(Data(try onnxModel(sampleShape: sampleShape)), to: url)
    }
}

private func poolAttributes(_ kernel: Int, _ stride: Int, _ padding: Int) -> [ONNXNode.Attribute] {
    [.ints("kernel_shape", [kernel, kernel]), .ints("strides", [stride, stride]), .ints("pads", [padding, padding, padding, padding])]
}
