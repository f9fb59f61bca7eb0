/// The walk down an ONNX chain that turns its nodes into architecture words and its weights
/// into a PyTorch `state_dict` (module `n` is the n-th layer with parameters), following the
/// shape of one sample as it goes so that every weight is checked against the layer's input
/// before anything is built.
struct ONNXTranslation {
    private(set) var words: [String] = []
    private(set) var stateDict: [String: Tensor] = [:]

    private let graph: ONNXModel
    private var constants: [String: ONNXTensor]
    /// The shape of one sample after the words so far.
    private var shape: [Int]
    /// The value the next node must read.
    private var current: String
    private var modules = 0
    /// The last word is a dense layer (at `word`, module `module`) that can still take the bias
    /// of an `Add` (it came from a MatMul) or an activation.
    private var openDense: (word: Int, module: Int, units: Int, takesBias: Bool)?
    /// GlobalAveragePool leaves `[c, 1, 1]` in ONNX and `[c]` in Neurite: the two unit
    /// dimensions are put back unless the next node flattens them anyway.
    private var unitDimensionsPending = false

    /// The operators ``translate(_:)`` reads (and `Constant`).
    static let importable: Set<String> = [
        "Gemm", "MatMul", "Add", "Conv", "BatchNormalization", "Relu", "Sigmoid", "Tanh", "Softmax", "MaxPool", "AveragePool",
        "GlobalAveragePool", "Flatten", "Reshape", "Dropout", "Identity", "Constant",
    ]

    init(_ graph: ONNXModel) throws {
        self.graph = graph
        var constants: [String: ONNXTensor] = [:]
        for tensor in graph.initializers {
            guard constants.updateValue(tensor, forKey: tensor.name) == nil else {
                throw InteropError.malformedONNX("two initializers named \(tensor.name)")
            }
        }
        self.constants = constants
        shape = graph.inputShape
        current = graph.inputName
    }

    mutating func translate() throws {
        for (index, node) in graph.nodes.enumerated() {
            let step = Step(node: node, index: index)
            guard node.domain.isEmpty else { throw step.unsupported("is in the operator set \(node.domain), not ONNX's own") }
            if node.operation == "Constant" {
                try constant(step)
                continue
            }
            guard Self.importable.contains(node.operation) else {
                throw step.unsupported(
                    "has no Neurite layer (importable: \(Self.importable.sorted().joined(separator: ", "))); a graph that computes shapes "
                        + "(Shape, Slice, Concat) comes from the old TorchScript exporter: export with torch.onnx.export(..., dynamo=True)")
            }
            guard let data = node.inputs.first, data == current || (node.operation == "Add" && node.inputs.contains(current)) else {
                throw step.unsupported("reads \(node.inputs.first.map { "'\($0)'" } ?? "nothing"), not '\(current)' (the output of the node before it): Neurite imports chains of layers")
            }
            guard let output = node.outputs.first, !output.isEmpty else { throw step.unsupported("has no output") }
            if !["Flatten", "Reshape", "Dropout", "Identity"].contains(node.operation) { restoreUnitDimensions() }
            try translate(step)
            current = output
        }
        guard current == graph.outputName else {
            throw InteropError.unsupportedONNX("the graph's output '\(graph.outputName)' is not the last node's ('\(current)')")
        }
        restoreUnitDimensions()
    }

    private mutating func translate(_ step: Step) throws {
        let closesDense = !["Add", "Relu", "Sigmoid", "Tanh", "Softmax", "Dropout", "Identity"].contains(step.node.operation)
        if closesDense { openDense = nil }
        switch step.node.operation {
        case "Gemm": try gemm(step)
        case "MatMul": try matrixMultiply(step)
        case "Add": try addBias(step)
        case "Conv": try convolution(step)
        case "BatchNormalization": try batchNormalization(step)
        case "Relu", "Sigmoid", "Tanh", "Softmax": try activation(step)
        case "MaxPool", "AveragePool": try pooling(step)
        case "GlobalAveragePool":
            guard shape.count == 3 else { throw step.unsupported("needs [channels, height, width] samples, the input has \(shape)") }
            try append("globalavgpool")
            unitDimensionsPending = true
        case "Flatten": try flatten(step)
        case "Reshape": try reshape(step)
        case "Dropout", "Identity": break
        default: preconditionFailure("\(step.node.operation) is not in ONNXTranslation.importable")
        }
    }

    // MARK: Layers with parameters

    private mutating func gemm(_ step: Step) throws {
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

    private mutating func matrixMultiply(_ step: Step) throws {
        try dense(step, weight: try matrix(step, input: 1).transposed(), bias: nil)
    }

    /// A dense layer of `weight` (PyTorch's `[out, in]`).
    private mutating func dense(_ step: Step, weight: Tensor, bias: Tensor?) throws {
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
    private mutating func addBias(_ step: Step) throws {
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

    private mutating func convolution(_ step: Step) throws {
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
    private func convolutionPadding(_ step: Step, kernel: Int, stride: Int, dilation: Int) throws -> String? {
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

    private mutating func batchNormalization(_ step: Step) throws {
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

    // MARK: Layers without parameters

    private mutating func activation(_ step: Step) throws {
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

    private mutating func pooling(_ step: Step) throws {
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

    private mutating func flatten(_ step: Step) throws {
        let rank = shape.count + 1 + (unitDimensionsPending ? 2 : 0)
        let axis = try step.integer("axis", default: 1)
        guard (axis < 0 ? axis + rank : axis) == 1 else { throw step.unsupported("flattens from axis \(axis); Neurite keeps the batch axis and flattens the rest") }
        unitDimensionsPending = false
        if shape.count > 1 { try append("flatten") }
    }

    private mutating func reshape(_ step: Step) throws {
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

    private mutating func constant(_ step: Step) throws {
        guard let output = step.node.outputs.first, step.node.attributes.count == 1 else { throw step.unsupported("is not a single constant") }
        switch step.node.attributes[0] {
        case let .tensor("value", tensor): constants[output] = ONNXTensor(name: output, shape: tensor.shape, values: tensor.values)
        case let .ints("value_ints", values): constants[output] = ONNXTensor(name: output, shape: [values.count], values: .int64(values))
        case let .int("value_int", value): constants[output] = ONNXTensor(name: output, shape: [], values: .int64([value]))
        case let .float("value_float", value): constants[output] = ONNXTensor(name: output, shape: [], values: .float([value]))
        default: throw step.unsupported("holds a kind of constant Neurite does not read (\(step.node.attributes[0].name))")
        }
    }

    // MARK: Helpers

    /// Adds a layer word, following the sample's shape through it (the builders check that the
    /// layer fits its input and that the model stays within ``SizeLimit``).
    private mutating func append(_ word: String, parameters: Bool = false) throws {
        let layer = try Architecture(word).layers[0]
        shape = try Architecture.builders[layer.name]!(layer, shape, 0).1
        words.append(word)
        if parameters { modules += 1 }
    }

    private mutating func restoreUnitDimensions() {
        guard unitDimensionsPending else { return }
        unitDimensionsPending = false
        words.append("reshape(\(shape[0]),1,1)")
        shape += [1, 1]
    }

    /// The float constant read as input `input`, of rank `rank`, finite.
    private func tensor(_ step: Step, input: Int, rank: Int) throws -> Tensor {
        guard input < step.node.inputs.count, let constant = constants[step.node.inputs[input]] else {
            throw step.unsupported("needs a constant as input \(input + 1)\(input < step.node.inputs.count ? " ('\(step.node.inputs[input])')" : "")")
        }
        guard case let .float(values) = constant.values, constant.shape.count == rank else {
            throw step.unsupported("needs \(constant.name) to be a float tensor of rank \(rank), found shape \(constant.shape)")
        }
        try checkFinite(values, constant.name)
        return try Tensor(shape: constant.shape, scalars: values)
    }

    private func matrix(_ step: Step, input: Int) throws -> Tensor {
        let matrix = try tensor(step, input: input, rank: 2)
        guard matrix.shape.allSatisfy({ $0 > 0 }) else { throw step.unsupported("has an empty weight matrix \(matrix.shape)") }
        return matrix
    }

    /// The bias at `input`, if the node has one: `units` values (`[units]` or `[1, units]`).
    private func optionalBias(_ step: Step, input: Int, units: Int) throws -> Tensor? {
        guard input < step.node.inputs.count, !step.node.inputs[input].isEmpty else { return nil }
        guard let constant = constants[step.node.inputs[input]], case let .float(values) = constant.values else {
            throw step.unsupported("needs its bias '\(step.node.inputs[input])' to be a float constant")
        }
        try checkFinite(values, constant.name)
        if values.count == 1 { return Tensor.full([units], values[0]) }
        guard values.count == units else { throw step.unsupported("has a bias of shape \(constant.shape) for \(units) outputs") }
        return try Tensor(shape: [units], scalars: values)
    }

    private func checkFinite(_ values: [Float], _ name: String) throws {
        guard values.allSatisfy(\.isFinite) else { throw InteropError.nonFinite(name) }
    }
}

/// A node and its place in the graph, with its attributes read by name.
private struct Step {
    let node: ONNXNode
    let index: Int

    func unsupported(_ reason: String) -> InteropError {
        .unsupportedONNX("node \(index + 1) (\(node.operation)\(node.name.isEmpty ? "" : " '\(node.name)'")) \(reason)")
    }

    private func attribute(_ name: String) -> ONNXNode.Attribute? { node.attributes.last { $0.name == name } }

    func integer(_ name: String, default fallback: Int) throws -> Int {
        guard let found = attribute(name) else { return fallback }
        guard case let .int(_, value) = found else { throw unsupported("has attribute \(name) of an unexpected type") }
        return value
    }

    func float(_ name: String, default fallback: Float) throws -> Float {
        guard let found = attribute(name) else { return fallback }
        guard case let .float(_, value) = found else { throw unsupported("has attribute \(name) of an unexpected type") }
        return value
    }

    func string(_ name: String, default fallback: String) throws -> String {
        guard let found = attribute(name) else { return fallback }
        guard case let .string(_, value) = found else { throw unsupported("has attribute \(name) of an unexpected type") }
        return value
    }

    func integers(_ name: String) throws -> [Int]? {
        guard let found = attribute(name) else { return nil }
        guard case let .ints(_, values) = found else { throw unsupported("has attribute \(name) of an unexpected type") }
        return values
    }

    /// A two-element attribute with both elements equal (strides, dilations, a window), positive
    /// and within the architecture's limit, so that arithmetic on it cannot overflow.
    func square(_ name: String, default fallback: Int?) throws -> Int {
        guard let values = try integers(name) else {
            guard let fallback else { throw unsupported("has no \(name)") }
            return fallback
        }
        guard values.count == 2, values[0] == values[1], values[0] > 0, values[0] <= Architecture.largestArgument else {
            throw unsupported("has \(name) \(values); Neurite's are equal in both directions, positive and at most \(Architecture.largestArgument)")
        }
        return values[0]
    }
}
