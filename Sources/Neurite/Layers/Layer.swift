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
