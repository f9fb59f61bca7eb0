/// A Neurite model in PyTorch's terms: a `state_dict` and the module definition it loads into.
public struct PyTorchExport {
    /// The parameters under the names of ``moduleDefinition``'s modules (`0.weight`, `0.bias`,
    /// …), in PyTorch's layouts; write them with ``Safetensors/write(_:metadata:to:)``.
    public let stateDict: [(name: String, tensor: Tensor)]
    /// Python source defining `model`, an `nn.Sequential` whose indices match ``stateDict``'s
    /// names, so that `model.load_state_dict(load_file(path))` takes the written file. It takes
    /// the inputs the Neurite model takes (e.g. flat `[batch, 784]` MNIST images).
    public let moduleDefinition: String
}

extension Sequential {
    /// The model's parameters laid out and named as in PyTorch, and the `nn.Sequential` they fit.
    ///
    /// Each Neurite layer becomes the modules that compute the same: a Dense with an activation
    /// becomes `nn.Linear` then `nn.ReLU()` (so indices skip past activations, as in any
    /// `nn.Sequential`), Dense weights are transposed to `[out, in]`, and the identity left by
    /// conv fusion and linear activations produce no module. BatchNorm's `num_batches_tracked` is
    /// not written: PyTorch fills it in when a `state_dict` without it is loaded.
    /// - Parameter sampleShape: the shape of one input sample, e.g. `[784]`.
    /// - Throws: ``InteropError/unsupportedLayer(_:)`` for layers other than Neurite's own.
    public func pyTorchExport(sampleShape: [Int]) throws -> PyTorchExport {
        var modules: [String] = []
        var stateDict: [(name: String, tensor: Tensor)] = []
        func add(_ module: String, parameters layer: (any Layer)? = nil) throws {
            if let layer {
                for entry in PyTorchLayout.tensors(of: layer) { stateDict.append(("\(modules.count).\(entry.key)", try entry.toPyTorch())) }
            }
            modules.append(module)
        }
        for step in try PortableLayer.steps(of: self, sampleShape: sampleShape).steps {
            switch step {
            case let .linear(dense):
                try add("nn.Linear(\(dense.inputSize), \(dense.outputSize)\(dense.bias == nil ? ", bias=False" : ""))", parameters: dense)
            case let .convolution(conv, top, left, bottom, right):
                var padding = (top, left)
                if top != bottom || left != right {
                    try add("nn.ZeroPad2d((\(left), \(right), \(top), \(bottom)))")
                    padding = (0, 0)
                }
                let options = [
                    conv.stride == 1 ? nil : "stride=\(conv.stride)",
                    padding == (0, 0) ? nil : padding.0 == padding.1 ? "padding=\(padding.0)" : "padding=(\(padding.0), \(padding.1))",
                    conv.dilation == 1 ? nil : "dilation=\(conv.dilation)",
                    conv.bias == nil ? "bias=False" : nil,
                ].compactMap { $0 }
                let arguments = ["\(conv.inChannels)", "\(conv.outChannels)", "\(conv.kernelSize)"] + options
                try add("nn.Conv2d(\(arguments.joined(separator: ", ")))", parameters: conv)
            case let .batchNormalization(norm, images):
                let options = (norm.epsilon == 1e-5 ? "" : ", eps=\(norm.epsilon)") + (norm.momentum == 0.1 ? "" : ", momentum=\(norm.momentum)")
                try add("nn.BatchNorm\(images ? "2d" : "1d")(\(norm.featureCount)\(options))", parameters: norm)
            case let .activation(activation):
                switch activation {
                case .linear: break
                case .relu: try add("nn.ReLU()")
                case .sigmoid: try add("nn.Sigmoid()")
                case .tanh: try add("nn.Tanh()")
                case .softmax: try add("nn.Softmax(dim=-1)")
                }
            case let .maxPool(pool):
                try add("nn.MaxPool2d(\(poolArguments(pool.kernelSize, pool.stride, pool.padding)))")
            case let .averagePool(pool):
                try add("nn.AvgPool2d(\(poolArguments(pool.kernelSize, pool.stride, pool.padding)))")
            case .globalAveragePool:
                try add("nn.AdaptiveAvgPool2d(1)")
                try add("nn.Flatten()")
            case .flatten:
                try add("nn.Flatten()")
            case let .reshape(from, to):
                if from.count != 1 { try add("nn.Flatten()") }
                let sizes = to.map(String.init).joined(separator: ", ") + (to.count == 1 ? "," : "")  // a Python tuple
                try add("nn.Unflatten(1, (\(sizes)))")
            case let .dropout(rate):
                try add("nn.Dropout(\(rate))")
            }
        }
        let body = modules.enumerated().map { "    \($1),  # \($0)" }.joined(separator: "\n")
        let definition = """
            import torch
            from torch import nn

            # Takes [batch, \(sampleShape.map(String.init).joined(separator: ", "))] inputs, like the Neurite model.
            model = nn.Sequential(
            \(body)
            )
            """
        return PyTorchExport(stateDict: stateDict, moduleDefinition: definition)
    }
}

private func poolArguments(_ kernel: Int, _ stride: Int, _ padding: Int) -> String {
    "\(kernel)" + (stride == kernel ? "" : ", stride=\(stride)") + (padding == 0 ? "" : ", padding=\(padding)")
}
