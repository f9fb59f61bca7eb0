/// The figure a callback watches to decide what "better" means: ``EarlyStopping`` and
/// ``Checkpointing`` on the best epoch.
public enum Monitor: Sendable, Equatable {
    /// The validation loss, lower is better; the training loss when the run has no validation data.
    case validationLoss
    /// The training loss, lower is better.
    case loss
    /// A validation metric by its ``Metric/name``; `higherIsBetter` for accuracy or F1, not for
    /// MSE or Hamming loss.
    case validationMetric(String, higherIsBetter: Bool)

    /// The watched figure of `record`, negated when higher is better so that lower always wins.
    /// - Throws: ``TensorError/invalidArgument(_:)`` when the record lacks the metric.
    func score(of record: History.Epoch) throws -> Double {
        switch self {
        case .validationLoss: return record.validationLoss ?? record.loss
        case .loss: return record.loss
        case let .validationMetric(name, higherIsBetter):
            guard let value = record.validationMetrics[name] else {
                throw TensorError.invalidArgument("no validation metric named \(name) to monitor; the run measures \(record.validationMetrics.keys.sorted())")
            }
            return higherIsBetter ? -value : value
        }
    }
}
