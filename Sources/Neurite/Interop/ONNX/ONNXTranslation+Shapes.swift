/// The ONNX operators that become Neurite layers without parameters: activations, pooling,
/// flatten and reshape, and the Constant nodes other nodes read.
extension ONNXTranslation {
    mutating func activation(_ step: ONNXStep) throws {
        let word = step.node.operation.lowercased()
        if word == "softmax" {
            // Before opset 13 the default axis was 1, which is the last for [batch, features].
            let rank = shape.count + 1
            let axis = try step.integer("axis", default: graph.opset >= 13 ? -1 : 1)
            guard (axis < 0 ? axis + rank : axis) == rank - 1 else { throw step.unsupported("is over axis \(axis); Neurite's softmax is over the last") }
        }
        if let open = openDense {
            // dense(128) then relu reads as dense(128, relu): one layer, as it would be written.
            words[open.word] = "dense(\(open.units), \(word))"
            openDense = nil
        } else {
            try append(word)
        }
    }

    mutating func pooling(_ step: ONNXStep) throws {
        let name = step.node.operation == "MaxPool" ? "maxpool" : "avgpool"
        guard shape.count == 3 else { throw step.unsupported("needs [channels, height, width] samples, the input has \(shape)") }
        let kernel = try step.square("kernel_shape", default: nil), stride = try step.square("strides", default: 1)
        guard try step.square("dilations", default: 1) == 1 else { throw step.unsupported("is dilated") }
        var pads = try step.integers("pads") ?? [0, 0, 0, 0]
        switch try step.string("auto_pad", default: "NOTSET") {
        case "NOTSET": break
        case "VALID": pads = [0, 0, 0, 0]
        case let mode: throw step.unsupported("has auto_pad \(mode); give explicit pads")
        }
        guard pads.count == 4, pads.allSatisfy({ $0 == pads[0] }), (0...kernel / 2).contains(pads[0]) else {
            throw step.unsupported("has pads \(pads); Neurite pads all sides alike, by at most half the window")
        }
        let padding = pads[0]
        if try step.integer("ceil_mode", default: 0) != 0 {
            // Rounding up adds a window only where one is cut off.
            guard shape.dropFirst().allSatisfy({ ($0 + 2 * padding - kernel) % stride == 0 }) else {
                throw step.unsupported("rounds its output size up (ceil_mode); Neurite's pooling rounds down")
            }
        }
        if name == "avgpool", padding > 0, try step.integer("count_include_pad", default: 0) == 0 {
            throw step.unsupported("leaves the padding out of its averages; Neurite's avgpool counts it (count_include_pad = 1)")
        }
        var arguments = [String(kernel)]
        if stride != kernel || padding != 0 { arguments.append(String(stride)) }
        if padding != 0 { arguments.append("padding: \(padding)") }
        try append("\(name)(\(arguments.joined(separator: ", ")))")
    }

    mutating func flatten(_ step: ONNXStep) throws {
        let rank = shape.count + 1 + (unitDimensionsPending ? 2 : 0)
        let axis = try step.integer("axis", default: 1)
        guard (axis < 0 ? axis + rank : axis) == 1 else { throw step.unsupported("flattens from axis \(axis); Neurite keeps the batch axis and flattens the rest") }
        unitDimensionsPending = false
        if shape.count > 1 { try append("flatten") }
    }

    mutating func reshape(_ step: ONNXStep) throws {
        guard step.node.inputs.count == 2, let target = constants[step.node.inputs[1]], case let .int64(dimensions) = target.values, !dimensions.isEmpty else {
            throw step.unsupported("takes its shape from something other than a constant list of integers")
        }
        let zeroCopies = try step.integer("allowzero", default: 0) == 0
        let input = shape + (unitDimensionsPending ? [1, 1] : [])
        // The batch stays where it is: -1, 0 (copy), or the batch size an export fixed throughout
        // (a model traced on one sample reshapes to [1, 400]), which the imported model generalises.
        guard dimensions[0] == -1 || (dimensions[0] == 0 && zeroCopies) || (graph.batchSize.map { $0 > 0 && $0 == dimensions[0] } ?? false) else {
            throw step.unsupported("reshapes to \(dimensions), which fixes a batch size the graph's input does not; export with a dynamic batch dimension")
        }
        var sample = try Array(dimensions.dropFirst()).enumerated().map { offset, size -> Int in
            if size == 0 && zeroCopies {
                guard offset < input.count else { throw step.unsupported("copies dimension \(offset + 1) of an input of rank \(input.count + 1)") }
                return input[offset]
            }
            guard size >= -1 else { throw step.unsupported("has dimension \(size)") }
            return size
        }
        let count = input.reduce(1, *)
        let inferred = sample.indices.filter { sample[$0] == -1 }
        if inferred.count == 1, dimensions[0] != -1 {
            let known = sample.filter { $0 != -1 }.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? 0 : $0 * $1 }
            guard known > 0, count % known == 0 else { throw step.unsupported("cannot spread \(input) over \(dimensions)") }
            sample[inferred[0]] = count / known
        }
        guard !sample.contains(-1), SizeLimit.elementCount(sample) == count else {
            throw step.unsupported("reshapes samples of shape \(input) to \(dimensions), which does not keep each sample's \(count) values")
        }
        unitDimensionsPending = false
        if sample == shape { return }
        try append(sample.count == 1 ? "flatten" : "reshape(\(sample.map(String.init).joined(separator: ",")))")
    }

    mutating func constant(_ step: ONNXStep) throws {
        guard let output = step.node.outputs.first, step.node.attributes.count == 1 else { throw step.unsupported("is not a single constant") }
        switch step.node.attributes[0] {
        case let .tensor("value", tensor): constants[output] = ONNXTensor(name: output, shape: tensor.shape, values: tensor.values)
        case let .ints("value_ints", values): constants[output] = ONNXTensor(name: output, shape: [values.count], values: .int64(values))
        case let .int("value_int", value): constants[output] = ONNXTensor(name: output, shape: [], values: .int64([value]))
        case let .float("value_float", value): constants[output] = ONNXTensor(name: output, shape: [], values: .float([value]))
        default: throw step.unsupported("holds a kind of constant Neurite does not read (\(step.node.attributes[0].name))")
        }
    }
}
