/// Batch normalisation: each feature (of `[n, f]`) or channel (of `[n, c, h, w]`) is shifted and
/// scaled to zero mean and unit variance over the batch, then given a learned scale γ and
/// offset β: y = γ·(x − μ)/√(σ² + ε) + β.
///
/// Keeping every layer's inputs standardised lets deeper networks train with larger learning
/// rates and makes them less sensitive to initialisation. While training, μ and σ² are the
/// batch's (in data-parallel training, the global batch's over all ranks); exponential running averages of them (`running ← (1 − momentum)·running +
/// momentum·batch`, with the unbiased batch variance, as in PyTorch) are kept and used in
/// evaluation, so that a prediction does not depend on the rest of its batch. The running
/// averages are non-trainable parameters: saved and loaded with the model, never updated by an
/// optimizer.
public struct BatchNorm: Layer {
    /// γ, per feature; starts at 1.
    @Parameter public var gamma: Tensor
    /// β, per feature; starts at 0.
    @Parameter public var beta: Tensor
    /// μ for evaluation; starts at 0.
    public let runningMean: ParameterReference
    /// σ² for evaluation; starts at 1.
    public let runningVariance: ParameterReference
    /// How fast the running statistics follow each batch: r ← (1 − momentum)·r + momentum·batch.
    public let momentum: Float
    /// Added to the variance before its square root, so a constant feature does not divide by zero.
    public let epsilon: Float
    /// Training or evaluation; see ``Layer/setMode(_:)``.
    public let modeSwitch = LayerModeSwitch()

    /// - Parameters:
    ///   - featureCount: features of `[n, f]` inputs, or channels of `[n, c, h, w]` inputs.
    ///   - momentum: the weight of each new batch in the running averages.
    ///   - epsilon: added to the variance so that a constant feature does not divide by zero.
    public init(_ featureCount: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        precondition(featureCount > 0, "BatchNorm needs at least one feature")
        precondition(momentum >= 0 && momentum <= 1 && epsilon > 0, "BatchNorm needs momentum in [0, 1] and a positive epsilon")
        _gamma = Parameter(wrappedValue: .ones([featureCount]))
        _beta = Parameter(wrappedValue: .zeros([featureCount]))
        runningMean = ParameterReference(.zeros([featureCount]), isTrainable: false)
        runningVariance = ParameterReference(.ones([featureCount]), isTrainable: false)
        self.momentum = momentum
        self.epsilon = epsilon
    }

    /// The number of features (or channels) normalised.
    public var featureCount: Int { gamma.count }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        guard input.rank == 2 || input.rank == 4, input.shape[1] == featureCount else {
            throw TensorError.layerInput(
                layer: "BatchNorm(\(featureCount))", expected: "[batch, \(featureCount)] or [batch, \(featureCount), h, w]",
                got: input.shape)
        }
        let layout = ChannelLayout(samples: input.shape[0], channels: featureCount, inner: input.shape.dropFirst(2).reduce(1, *))
        if modeSwitch.current == .evaluation {
            let statistics = (runningMean.value.scalars, runningVariance.value.scalars)
            return batchNormalization(input, gamma: gamma, beta: beta, layout: layout, epsilon: epsilon, statistics: statistics).output
        }
        let (output, mean, variance, count) = batchNormalization(input, gamma: gamma, beta: beta, layout: layout, epsilon: epsilon, statistics: nil)
        let m = Float(count), correction = m / max(m - 1, 1)
        let (oldMean, oldVariance) = (runningMean.value.scalars, runningVariance.value.scalars)
        runningMean.value = Tensor((0..<featureCount).map { (1 - momentum) * oldMean[$0] + momentum * mean[$0] })
        runningVariance.value = Tensor((0..<featureCount).map { (1 - momentum) * oldVariance[$0] + momentum * variance[$0] * correction })
        return output
    }
}
