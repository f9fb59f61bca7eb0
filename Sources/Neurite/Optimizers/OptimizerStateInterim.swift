// Interim, until the optimizers branch lands the optimizer state API under these pinned names.
extension Optimizer {
    /// The optimizer's per-parameter state by name (none yet).
    public func stateTensors(for parameters: [(name: String, parameter: ParameterReference)]) -> [String: Tensor] { [:] }
    /// Restores state from ``stateTensors(for:)`` (none yet).
    public mutating func loadStateTensors(_ state: [String: Tensor], for parameters: [(name: String, parameter: ParameterReference)]) throws {}
}
