/// The walk down an ONNX chain that turns its nodes into architecture words and its weights
/// into a PyTorch `state_dict` (module `n` is the n-th layer with parameters), following the
/// shape of one sample as it goes so that every weight is checked against the layer's input
/// before anything is built. The operators themselves are in `ONNXTranslation+Parameters.swift`
/// (dense, conv, batchnorm) and `ONNXTranslation+Shapes.swift` (the rest).
struct ONNXTranslation {
    var words: [String] = []
    var stateDict: [String: Tensor] = [:]

    let graph: ONNXModel
    var constants: [String: ONNXTensor]
    /// The shape of one sample after the words so far.
    var shape: [Int]
    /// The value the next node must read.
    var current: String
    var modules = 0
    /// The last word is a dense layer (at `word`, module `module`) that can still take the bias
    /// of an `Add` (it came from a MatMul) or an activation.
    var openDense: (word: Int, module: Int, units: Int, takesBias: Bool)?
    /// GlobalAveragePool leaves `[c, 1, 1]` in ONNX and `[c]` in Neurite: the two unit
    /// dimensions are put back unless the next node flattens them anyway.
    var unitDimensionsPending = false

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
            let step = ONNXStep(node: node, index: index)
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

    private mutating func translate(_ step: ONNXStep) throws {
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

    /// Adds a layer word, following the sample's shape through it (the builders check that the
    /// layer fits its input and that the model stays within ``SizeLimit``).
    mutating func append(_ word: String, parameters: Bool = false) throws {
        let layer = try Architecture(word).layers[0]
        shape = try Architecture.builders[layer.name]!(layer, shape, 0).1
        words.append(word)
        if parameters { modules += 1 }
    }

    mutating func restoreUnitDimensions() {
        guard unitDimensionsPending else { return }
        unitDimensionsPending = false
        words.append("reshape(\(shape[0]),1,1)")
        shape += [1, 1]
    }

    /// The float constant read as input `input`, of rank `rank`, finite.
    func tensor(_ step: ONNXStep, input: Int, rank: Int) throws -> Tensor {
        guard input < step.node.inputs.count, let constant = constants[step.node.inputs[input]] else {
            throw step.unsupported("needs a constant as input \(input + 1)\(input < step.node.inputs.count ? " ('\(step.node.inputs[input])')" : "")")
        }
        guard case let .float(values) = constant.values, constant.shape.count == rank else {
            throw step.unsupported("needs \(constant.name) to be a float tensor of rank \(rank), found shape \(constant.shape)")
        }
        try checkFinite(values, constant.name)
        return try Tensor(shape: constant.shape, scalars: values)
    }

    func matrix(_ step: ONNXStep, input: Int) throws -> Tensor {
        let matrix = try tensor(step, input: input, rank: 2)
        guard matrix.shape.allSatisfy({ $0 > 0 }) else { throw step.unsupported("has an empty weight matrix \(matrix.shape)") }
        return matrix
    }

    /// The bias at `input`, if the node has one: `units` values (`[units]` or `[1, units]`).
    func optionalBias(_ step: ONNXStep, input: Int, units: Int) throws -> Tensor? {
        guard input < step.node.inputs.count, !step.node.inputs[input].isEmpty else { return nil }
        guard let constant = constants[step.node.inputs[input]], case let .float(values) = constant.values else {
            throw step.unsupported("needs its bias '\(step.node.inputs[input])' to be a float constant")
        }
        try checkFinite(values, constant.name)
        if values.count == 1 { return Tensor.full([units], values[0]) }
        guard values.count == units else { throw step.unsupported("has a bias of shape \(constant.shape) for \(units) outputs") }
        return try Tensor(shape: [units], scalars: values)
    }

    func checkFinite(_ values: [Float], _ name: String) throws {
        guard values.allSatisfy(\.isFinite) else { throw InteropError.nonFinite(name) }
    }
}
