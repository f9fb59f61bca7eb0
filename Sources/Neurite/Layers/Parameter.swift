/// A tensor that training updates: a layer's weights and biases.
///
/// Declare one with the property wrapper, `@Parameter var weight: Tensor`; the layer reads and
/// writes it like any tensor. The value lives in a shared ``ParameterReference``, which is how an
/// optimizer, a checkpoint loader or the autograd engine find and update it from outside the
/// layer without the layer listing its parameters by hand. As in PyTorch and MLX, copies of a
/// model therefore share their parameters: after `let best = model`, training `model` changes
/// `best` too. ``Layer/copy()`` makes a model with weights of its own, and ``Layer/state`` the
/// numbers as a plain value.
@propertyWrapper
public struct Parameter {
    /// Where the value lives, shared with optimizers and checkpoints.
    public let reference: ParameterReference

    /// A parameter starting at `wrappedValue`; `trainable: false` for state that is saved but not trained.
    public init(wrappedValue: Tensor, trainable: Bool = true) {
        reference = ParameterReference(wrappedValue, isTrainable: trainable)
    }

    /// The current value; setting it replaces the value for every holder of the reference.
    public var wrappedValue: Tensor {
        get { reference.value }
        nonmutating set { reference.value = newValue }
    }

    /// A parameter living in `reference` (how ``Layer/copy()`` rebuilds one).
    init(reference: ParameterReference) { self.reference = reference }

    /// `$weight`: the shared reference itself.
    public var projectedValue: ParameterReference { reference }
}

/// The shared home of one parameter's value.
public final class ParameterReference: @unchecked Sendable {
    /// The current value. While ``valueWithGradient(of:_:)`` runs, it is tracked by autograd.
    public var value: Tensor { didSet { isKnownFinite = false } }
    /// Whether every element of `value` is known to be finite: set by an optimizer's update that
    /// checked each weight as it wrote it (``Optimizer`` kernels fused with the check), cleared by
    /// any assignment of `value`. The training loop takes it instead of reading every weight again.
    var isKnownFinite = false
    /// Whether optimizers update it. Non-trainable state, such as batch normalisation's running
    /// statistics, is saved with the model but not trained.
    public let isTrainable: Bool

    /// A reference holding `value`.
    public init(_ value: Tensor, isTrainable: Bool = true) {
        self.value = value
        self.isTrainable = isTrainable
    }
}
