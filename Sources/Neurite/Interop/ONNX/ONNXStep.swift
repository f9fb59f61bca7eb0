/// A node and its place in the graph, with its attributes read by name.
struct ONNXStep {
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
