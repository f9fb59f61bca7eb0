/// A differentiable function with learnable parameters: the building block of models.
///
/// Conform a type and implement `callAsFunction`; its parameters are found automatically by
/// reflection, from every ``Parameter`` property and every stored property that is itself a
/// layer (or an array, dictionary or optional of layers), at any depth:
///
/// ```swift
/// struct Residual: Layer {
///     var first = Dense(64, 64, activation: .relu), second = Dense(64, 64)
///     func callAsFunction(_ x: Tensor) throws -> Tensor {
///         try relu(x + second(first(x)))
///     }
/// }
/// ```
///
/// Calling a layer throws, because a layer's input is outside input: it checks the input's shape
/// and throws ``TensorError/layerInput(layer:expected:got:)`` instead of stopping the program. The
/// arithmetic between layers does not throw (see ``withTensorErrors(_:)``), so one `try` covers
/// the whole expression.
///
/// Layers are structs, but their weights live in shared ``ParameterReference``s: `let best = model`
/// is a second name for the same weights, and training `model` changes `best` too. Use
/// ``Layer/copy()`` for a model with weights of its own, or ``Layer/state`` for the numbers as a
/// plain value.
public protocol Layer {
    /// The layer applied to a batch of inputs.
    /// - Throws: ``TensorError`` when the input's shape does not fit the layer.
    func callAsFunction(_ input: Tensor) throws -> Tensor
}

extension Layer {
    /// Every parameter of the model, depth first in declaration order, each under its path
    /// (`"layers.0.weight"`), the name it is saved under. Layers in a dictionary are visited in
    /// sorted key order, under `name.key` (`"heads.age.weight"`).
    public var namedParameters: [(name: String, parameter: ParameterReference)] {
        var found: [(String, ParameterReference)] = []
        var seen = Set<ObjectIdentifier>()
        collectState(of: self, prefix: "") { name, state in
            if case let .parameter(reference) = state, seen.insert(ObjectIdentifier(reference)).inserted {
                found.append((name, reference))
            }
        }
        return found
    }

    /// The training/evaluation switches of the layers that behave differently in the two modes
    /// (dropout, batch normalisation), found like the parameters.
    var modeSwitches: [LayerModeSwitch] {
        var found: [LayerModeSwitch] = []
        var seen = Set<ObjectIdentifier>()
        collectState(of: self, prefix: "") { _, state in
            if case let .modeSwitch(modeSwitch) = state, seen.insert(ObjectIdentifier(modeSwitch)).inserted { found.append(modeSwitch) }
        }
        return found
    }

    /// The random generators of the layers that draw while training (dropout), each under its
    /// layer's path: their state is part of a training checkpoint.
    var randomSources: [(name: String, source: RandomSource)] {
        var found: [(String, RandomSource)] = []
        var seen = Set<ObjectIdentifier>()
        collectState(of: self, prefix: "") { name, state in
            if case let .randomSource(source) = state, seen.insert(ObjectIdentifier(source)).inserted { found.append((name, source)) }
        }
        return found
    }

    /// The trainable parameters, in the order of ``namedParameters``.
    public var parameters: [ParameterReference] { namedParameters.map(\.parameter).filter(\.isTrainable) }

    /// The total number of learnable numbers.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }
}

/// What the reflection walker reports: a parameter, or a layer's training/evaluation switch.
private enum LayerState {
    case parameter(ParameterReference)
    case modeSwitch(LayerModeSwitch)
    case randomSource(RandomSource)
}

/// Walks stored properties by reflection, reporting every ``ParameterReference`` and
/// ``LayerModeSwitch`` with its path.
/// It only descends into layers, collections and optionals, never into tensors' own storage.
private func collectState(of value: Any, prefix: String, _ report: (String, LayerState) -> Void) {
    let mirror = Mirror(reflecting: value)
    if mirror.displayStyle == .dictionary {
        // Sorted by key: a dictionary's own order changes from run to run.
        let entries = mirror.children.compactMap { entry -> (key: String, value: Any)? in
            let pair = Mirror(reflecting: entry.value).children.map(\.value)
            return pair.count == 2 ? ("\(pair[0])", pair[1]) : nil
        }
        for entry in entries.sorted(by: { $0.key < $1.key }) {
            visit(entry.value, path: prefix.isEmpty ? entry.key : prefix + "." + entry.key, report)
        }
        return
    }
    for (position, child) in mirror.children.enumerated() {
        var label = child.label ?? String(position)
        if label.hasPrefix("_") { label.removeFirst() }  // property wrappers store `_name`
        if mirror.displayStyle == .optional { label = "" }
        visit(child.value, path: label.isEmpty ? prefix : (prefix.isEmpty ? label : prefix + "." + label), report)
    }
}

/// Reports `value` if it is state, or walks into it if it may hold some.
private func visit(_ value: Any, path: String, _ report: (String, LayerState) -> Void) {
    switch value {
    case let parameter as Parameter:
        report(path, .parameter(parameter.reference))
    case let reference as ParameterReference:
        report(path, .parameter(reference))
    case let modeSwitch as LayerModeSwitch:
        report(path, .modeSwitch(modeSwitch))
    case let source as RandomSource:
        report(path, .randomSource(source))
    case is Tensor:
        return
    case let layer as any Layer:
        collectState(of: layer, prefix: path, report)
    default:
        if mightHoldState(value) { collectState(of: value, prefix: path, report) }
    }
}

/// Optionals and tuples are looked into; a collection or dictionary only when its first element is
/// state or a layer, so that a large array of numbers stored in a layer is not walked element by
/// element.
private func mightHoldState(_ value: Any) -> Bool {
    let mirror = Mirror(reflecting: value)
    switch mirror.displayStyle {
    case .optional, .tuple:
        return true
    case .collection:
        guard let first = mirror.children.first?.value else { return false }
        return first is Parameter || first is ParameterReference || first is any Layer || mightHoldState(first)
    case .dictionary:
        guard let first = mirror.children.first?.value, let value = Mirror(reflecting: first).children.dropFirst().first?.value else {
            return false
        }
        return value is Parameter || value is ParameterReference || value is any Layer || mightHoldState(value)
    default:
        return false
    }
}
