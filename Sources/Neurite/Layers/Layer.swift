/// A differentiable function with learnable parameters: the building block of models.
///
/// Conform a type and implement `callAsFunction`; its parameters are found automatically by
/// reflection, from every ``Parameter`` property and every stored property that is itself a
/// layer (or an array or optional of layers), at any depth:
///
/// ```swift
/// struct Residual: Layer {
///     var inner = Dense(64, 64, activation: .relu)
///     @Parameter var gate = Tensor.ones([64])
///     func callAsFunction(_ x: Tensor) throws -> Tensor { try x + inner(x) * gate }
/// }
/// ```
public protocol Layer {
    /// The layer applied to a batch of inputs.
    /// - Throws: ``TensorError`` when the input's shape does not fit the layer.
    func callAsFunction(_ input: Tensor) throws -> Tensor
}

extension Layer {
    /// Every parameter of the model, depth first in declaration order, each under its path
    /// (`"layers.0.weight"`), the name it is saved under.
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
    for (position, child) in mirror.children.enumerated() {
        var label = child.label ?? String(position)
        if label.hasPrefix("_") { label.removeFirst() }  // property wrappers store `_name`
        if mirror.displayStyle == .optional { label = "" }
        let path = label.isEmpty ? prefix : (prefix.isEmpty ? label : prefix + "." + label)
        switch child.value {
        case let parameter as Parameter:
            report(path, .parameter(parameter.reference))
        case let reference as ParameterReference:
            report(path, .parameter(reference))
        case let modeSwitch as LayerModeSwitch:
            report(path, .modeSwitch(modeSwitch))
        case let source as RandomSource:
            report(path, .randomSource(source))
        case is Tensor:
            continue
        case let layer as any Layer:
            collectState(of: layer, prefix: path, report)
        default:
            if mightHoldState(child.value) { collectState(of: child.value, prefix: path, report) }
        }
    }
}

/// Optionals and tuples are looked into; a collection only when its first element is state or a
/// layer, so that a large array of numbers stored in a layer is not walked element by element.
private func mightHoldState(_ value: Any) -> Bool {
    let mirror = Mirror(reflecting: value)
    switch mirror.displayStyle {
    case .optional, .tuple:
        return true
    case .collection:
        guard let first = mirror.children.first?.value else { return false }
        return first is Parameter || first is ParameterReference || first is any Layer || mightHoldState(first)
    default:
        return false
    }
}
