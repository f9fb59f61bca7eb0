/// The activation function g of a layer, chosen by name: `Dense(784, 128, activation: .relu)`.
///
/// An `Activation` is also a ``Layer`` on its own, so it can stand in a ``Sequential`` between
/// layers that have none.
public enum Activation: String, CaseIterable, Sendable, Codable {
    /// g(z) = z. As a head: **signed regression** (any real value, with ``Loss/meanSquaredError``,
    /// ``Loss/meanAbsoluteError`` or ``Loss/huber(delta:)``), or logits for a loss that applies
    /// its own softmax (multiclass, ``Loss/crossEntropy``) or sigmoid (binary and multi-label,
    /// ``Loss/binaryCrossEntropy(fromLogits:positiveWeight:)``), which is the stable way to train
    /// those heads.
    case linear
    /// g(z) = 1/(1+e⁻ᶻ). As a head: **binary classification** (one output, the probability of the
    /// positive class) and **multi-label classification** (one sigmoid per label, each an
    /// independent yes/no), with ``Loss/binaryCrossEntropy(fromLogits:positiveWeight:)`` and
    /// `fromLogits: false`; or leave the head linear and let the loss apply the sigmoid.
    case sigmoid
    /// g(z) = tanh z. Hidden layers (a zero-centred sigmoid); as a head, regression onto (−1, 1).
    case tanh
    /// g(z) = max(0, z). Hidden layers; as a head: **non-negative regression** (counts, prices,
    /// durations), with ``Loss/meanSquaredError``: it can never predict below 0.
    case relu
    /// g(z)ᵢ = eᶻⁱ/Σⱼeᶻʲ over the last axis. As a head: **multiclass classification** (one
    /// probability per class, summing to 1). To train, leave the head linear and use
    /// ``Loss/crossEntropy``, which fuses the softmax; its predictions are these probabilities.
    case softmax

    /// g applied to `z`.
    public func callAsFunction(_ z: Tensor) throws -> Tensor {
        switch self {
        case .linear: return z
        case .sigmoid: return Neurite.sigmoid(z)
        case .tanh: return Neurite.tanh(z)
        case .relu: return Neurite.relu(z)
        case .softmax:
            // Over the last axis, which a scalar lacks; a layer's input is outside input, so thrown.
            guard z.rank >= 1 else { throw TensorError.layerInput(layer: "softmax", expected: "at least one axis", got: z.shape) }
            return Neurite.softmax(z)
        }
    }

    /// g′(z), element-wise: 1, g(1−g), 1−g², [z > 0]. Softmax's derivative is a Jacobian per
    /// row; this returns its diagonal ∂gᵢ/∂zᵢ = gᵢ(1−gᵢ) (the loss functions never need more,
    /// because cross-entropy's gradient with respect to the logits is simply g − y).
    public func derivative(at z: Tensor) throws -> Tensor {
        let g = try withoutGradient { try self(z) }
        switch self {
        case .linear: return Tensor.ones(z.shape)
        case .sigmoid, .softmax: return Kernels.map(g) { $0 * (1 - $0) }
        case .tanh: return Kernels.map(g) { 1 - $0 * $0 }
        case .relu: return Kernels.map(z) { $0 > 0 ? 1 : 0 }
        }
    }
}

extension Activation: Layer {}
