/// What ``Layer/fit(_:loss:optimizer:epochs:batchSize:validationData:validationSplit:metrics:callbacks:seed:clipping:schedule:recordingGradientNorms:resumingFrom:)``
/// measured, one record per epoch trained. Saved in checkpoints, so a resumed run returns the
/// whole history.
public struct History: Sendable, Codable, Equatable {
    /// One epoch's figures.
    public struct Epoch: Sendable, Codable, Equatable {
        /// The epoch's number, from 1.
        public let epoch: Int
        /// The mean training loss over the epoch's samples, each batch measured before its update.
        public let loss: Double
        /// The training metrics by ``Metric/name``, on the predictions made while training.
        public let metrics: [String: Double]
        /// The loss on the validation data after the epoch, if there is validation data.
        public let validationLoss: Double?
        /// The metrics on the validation data after the epoch, by name.
        public let validationMetrics: [String: Double]
        /// The learning rate of the epoch's last step.
        public let learningRate: Float
        /// The seconds the epoch's training took (validation excluded).
        public let seconds: Double
        /// Each parameter's mean gradient norm over the epoch's steps, by parameter path; empty
        /// unless requested.
        public let gradientNorms: [String: Double]
    }

    /// The epochs in order.
    public internal(set) var epochs: [Epoch] = []

    /// An empty history.
    public init() {}

    /// The training loss of each epoch.
    public var losses: [Double] { epochs.map(\.loss) }
    /// The validation loss of each epoch that has one.
    public var validationLosses: [Double] { epochs.compactMap(\.validationLoss) }
    /// The last epoch's record.
    public var last: Epoch? { epochs.last }
}
