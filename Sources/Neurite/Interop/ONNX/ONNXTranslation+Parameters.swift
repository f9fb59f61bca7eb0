/// The ONNX operators that become Neurite layers with parameters: dense (Gemm, MatMul + Add),
/// conv and batchnorm, each checked against the sample's shape before its word is added.
extension ONNXTranslation {
    mutating func gemm(_ step: ONNXStep) throws {
        guard try step.integer("transA", default: 0) == 0 else { throw step.unsupported("multiplies by the input transposed (transA)") }
        let alpha = try step.float("alpha", default: 1), beta = try step.float("beta", default: 1)
        let b = try matrix(step, input: 1)
        // PyTorch's Linear stores [out, in] and exports transB = 1; Neurite's Dense [in, out], transB = 0.
        var weight = try step.integer("transB", default: 0) != 0 ? b : b.transposed()
        var bias = try optionalBias(step, input: 2, units: weight.shape[0])
        if alpha != 1 { weight = weight * alpha }
        if beta != 1, let scaled = bias { bias = scaled * beta }
        guard weight.isFinite, bias?.isFinite ?? true else {
            throw step.unsupported("scales its weights by alpha \(alpha) and its bias by beta \(beta) past the range of Float")
        }
        try dense(step, weight: weight, bias: bias)
    }

    mutating func matrixMultiply(_ step: ONNXStep) throws {
        try dense(step, weight: try matrix(step, input: 1).transposed(), bias: nil)
    }

    /// A dense layer of `weight` (PyTorch's `[out, in]`).
    mutating func dense(_ step: ONNXStep, weight: Tensor, bias: Tensor?) throws {
        let (units, inputs) = (weight.shape[0], weight.shape[1])
        guard shape == [inputs] else {
            throw step.unsupported("takes \(inputs) features, but its input has samples of shape \(shape)\(shape.count > 1 ? " (flatten first)" : "")")
        }
        let module = modules
        stateDict["\(module).weight"] = weight
        stateDict["\(module).bias"] = bias ?? Tensor.zeros([units])
        try append("dense(\(units))", parameters: true)
        openDense = (words.count - 1, module, units, bias == nil)
    }

    /// The bias of a MatMul's dense layer.
    mutating func addBias(_ step: ONNXStep) throws {
        guard let open = openDense, open.takesBias, step.node.inputs.count == 2,
              let other = step.node.inputs.first(where: { $0 != current }), let tensor = constants[other]
        else { throw step.unsupported("adds something other than the bias of the MatMul right before it") }
        guard case let .float(values) = tensor.values, values.count == open.units, tensor.shape.filter({ $0 != 1 }).count <= 1 else {
            throw step.unsupported("adds \(other) of shape \(tensor.shape), which is not a bias of \(open.units) values")
        }
        try checkFinite(values, other)
        stateDict["\(open.module).bias"] = try Tensor(shape: [open.units], scalars: values)
        openDense = (open.word, open.module, open.units, false)
    }

    mutating func convolution(_ step: ONNXStep) throws {
        guard try step.integer("group", default: 1) == 1 else { throw step.unsupported("is a grouped convolution") }
        guard shape.count == 3 else { throw step.unsupported("needs [channels, height, width] samples, the input has \(shape)") }
        let weight = try tensor(step, input: 1, rank: 4)
        let (outChannels, inChannels, kernel) = (weight.shape[0], weight.shape[1], weight.shape[2])
        guard weight.shape[3] == kernel, kernel > 0 else { throw step.unsupported("has a \(weight.shape[2])×\(weight.shape[3]) kernel; Neurite's are square") }
        guard inChannels == shape[0] else { throw step.unsupported("takes \(inChannels) channels, its input has \(shape[0])") }
        if let declared = try step.integers("kernel_shape"), declared != [kernel, kernel] {
            throw step.unsupported("declares kernel_shape \(declared) for weights of shape \(weight.shape)")
        }
        let stride = try step.square("strides", default: 1), dilation = try step.square("dilations", default: 1)
        let padding = try convolutionPadding(step, kernel: kernel, stride: stride, dilation: dilation)
        let bias = try optionalBias(step, input: 2, units: outChannels)
        stateDict["\(modules).weight"] = weight
        stateDict["\(modules).bias"] = bias ?? Tensor.zeros([outChannels])
        var word = "conv(\(outChannels), \(kernel)"
        if stride != 1 { word += ", \(stride)" }
        if dilation != 1 { word += ", dilation: \(dilation)" }
        if let padding { word += ", padding: \(padding)" }
        try append(word + ")", parameters: true)
    }

    /// The `padding:` of the conv word (`nil` for none), from `pads` or `auto_pad`.
    func convolutionPadding(_ step: ONNXStep, kernel: Int, stride: Int, dilation: Int) throws -> String? {
        let same = [shape[1], shape[2]].map { size -> (Int, Int) in
            let output = (size + stride - 1) / stride
            let total = max(0, (output - 1) * stride + dilation * (kernel - 1) + 1 - size)
            return (total / 2, total - total / 2)
        }
        let sameIsEven = same.allSatisfy { $0.0 == $0.1 }
        switch try step.string("auto_pad", default: "NOTSET") {
        case "VALID": return nil
        case "SAME_UPPER": return "same"
        case "SAME_LOWER" where sameIsEven: return "same"
        case "NOTSET":
            let pads = try step.integers("pads") ?? [0, 0, 0, 0]
            guard pads.count == 4 else { throw step.unsupported("has pads \(pads); a 2-D convolution has four") }
            if pads.allSatisfy({ $0 == 0 }) { return nil }
            if pads.allSatisfy({ $0 == pads[0] }) && pads[0] > 0 { return String(pads[0]) }
            // [top, left, bottom, right]: Neurite's `same` puts the odd pixel at the bottom and right.
            if pads == [same[0].0, same[1].0, same[0].1, same[1].1] { return "same" }
            throw step.unsupported("pads \(pads) unevenly; Neurite pads all sides alike, or as 'same'")
        case let mode:
            throw step.unsupported("has auto_pad \(mode), which Neurite's padding cannot reproduce here")
        }
    }

    mutating func batchNormalization(_ step: ONNXStep) throws {
        guard try step.integer("training_mode", default: 0) == 0, try step.integer("spatial", default: 1) == 1 else {
            throw step.unsupported("is in training mode or not spatial")
        }
        guard shape.count == 1 || shape.count == 3 else { throw step.unsupported("needs flat samples or images, the input has \(shape)") }
        let keys = ["weight", "bias", "running_mean", "running_var"]
        for (offset, key) in keys.enumerated() {
            let values = try tensor(step, input: offset + 1, rank: 1)
            guard values.shape == [shape[0]] else {
                throw step.unsupported("has \(step.node.inputs[offset + 1]) of shape \(values.shape) for \(shape[0]) features")
            }
            stateDict["\(modules).\(key)"] = values
        }
        let epsilon = try step.float("epsilon", default: 1e-5)
        guard epsilon > 0, epsilon.isFinite else { throw step.unsupported("has epsilon \(epsilon)") }
        try append(epsilon == 1e-5 ? "batchnorm" : "batchnorm(epsilon: \(epsilon))", parameters: true)
    }
}
