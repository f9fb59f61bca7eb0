/// The bounds the server enforces on a configuration and on messages, sent to the page in the
/// `ready` message so that its controls offer only what the server accepts.
///
/// They keep one session's work per step and per frame small enough that a few dozen sessions
/// share a 2-core machine: the largest 2-D network is 6 × 32 units (its heat maps are
/// 192 × 400 numbers per frame), the largest MNIST network 784 → 128 → 128 → 10.
public struct PlaygroundLimits: Encodable, Sendable {
    /// Samples of a 2-D or 1-D data set.
    public var toySamples = 10...2000
    /// Images taken from MNIST's training set.
    public var mnistSamples = 100...10000
    /// Images of MNIST's test set evaluated in every frame.
    public var mnistTestImages = 2000
    /// Hidden layers of a 2-D or 1-D network, and units per layer.
    public var hiddenLayers = 6
    public var hiddenUnits = 32
    /// Hidden layers of an MNIST network, and units per layer.
    public var mnistHiddenLayers = 2
    public var mnistHiddenUnits = 128
    /// Mini-batch size.
    public var batchSize = 1...1000
    /// Steps of one `step` message.
    public var stepsPerMessage = 1...1000
    /// Noise, as a fraction of the data's scale.
    public var noise = 0.0...0.5
    /// Fraction of the samples used for training.
    public var trainFraction = 0.1...0.9
    /// The largest learning rate.
    public var maximumLearningRate = 10.0
    /// The largest seed.
    public var maximumSeed = 1 << 31
    /// The largest magnitude of a 1-D training range's ends.
    public var maximumRangeMagnitude = 100.0
    /// The largest message the server reads, in bytes.
    public var maximumMessageBytes = 64 * 1024

    /// The limits of the protocol.
    public init() {}

    /// The limits as the page reads them: ranges as `[low, high]`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode([toySamples.lowerBound, toySamples.upperBound], forKey: .toySamples)
        try container.encode([mnistSamples.lowerBound, mnistSamples.upperBound], forKey: .mnistSamples)
        try container.encode(mnistTestImages, forKey: .mnistTestImages)
        try container.encode(hiddenLayers, forKey: .hiddenLayers)
        try container.encode(hiddenUnits, forKey: .hiddenUnits)
        try container.encode(mnistHiddenLayers, forKey: .mnistHiddenLayers)
        try container.encode(mnistHiddenUnits, forKey: .mnistHiddenUnits)
        try container.encode([batchSize.lowerBound, batchSize.upperBound], forKey: .batchSize)
        try container.encode([stepsPerMessage.lowerBound, stepsPerMessage.upperBound], forKey: .stepsPerMessage)
        try container.encode([noise.lowerBound, noise.upperBound], forKey: .noise)
        try container.encode([trainFraction.lowerBound, trainFraction.upperBound], forKey: .trainFraction)
        try container.encode(maximumLearningRate, forKey: .maximumLearningRate)
        try container.encode(maximumSeed, forKey: .maximumSeed)
        try container.encode(maximumRangeMagnitude, forKey: .maximumRangeMagnitude)
        try container.encode(maximumMessageBytes, forKey: .maximumMessageBytes)
    }

    private enum CodingKeys: String, CodingKey {
        case toySamples, mnistSamples, mnistTestImages, hiddenLayers, hiddenUnits, mnistHiddenLayers, mnistHiddenUnits
        case batchSize, stepsPerMessage, noise, trainFraction, maximumLearningRate, maximumSeed, maximumRangeMagnitude
        case maximumMessageBytes
    }
}
