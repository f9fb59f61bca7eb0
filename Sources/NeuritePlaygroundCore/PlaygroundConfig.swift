/// Everything the page chooses: data, features, network, training. Every field of the JSON is
/// optional; ``init(from:)`` fills in the protocol's defaults and ``validated(against:)`` checks
/// every value against the limits, so that a session is only ever built from a checked config.
public struct PlaygroundConfig: Codable, Equatable, Sendable {
    /// The data set.
    public var dataset: PlaygroundDatasetKind = .circle
    /// The function a 1-D data set samples.
    public var function: PlaygroundFunction = .sin
    /// The training range of x for `function`, `[low, high]`.
    public var range: [Double] = [-3, 3]
    /// Noise as a fraction of the data's scale, 0 … 0.5.
    public var noise: Double = 0.1
    /// The fraction of the samples trained on; the rest is the test set.
    public var trainFraction: Double = 0.5
    /// 500 for 2-D and 1-D data, 5000 for MNIST when the page does not say.
    public var samples: Int = 500
    /// The inputs computed from a 2-D point.
    public var features: [PlaygroundFeature] = [.x, .y]
    /// Units per hidden layer.
    public var hidden: [Int] = [4, 2]
    /// The hidden layers' activation.
    public var activation: PlaygroundActivation = .tanh
    /// The output head; `auto` matches it to the task.
    public var head: PlaygroundHeadChoice = .auto
    /// How every layer's weights start (biases start at zero).
    public var initializer: PlaygroundInitializer = .xavier
    /// The optimizer.
    public var optimizer: PlaygroundOptimizer = .sgd
    /// The optimizer's step size, > 0 and ≤ 10.
    public var learningRate: Double = 0.03
    /// Samples per optimizer step.
    public var batchSize: Int = 10
    /// Gradient clipping.
    public var clipping = PlaygroundClipping(mode: .off)
    /// Draws the data, the initial weights and the batches' order.
    public var seed: Int = 1

    /// The default configuration: a circle, features x and y, hidden layers 4 and 2, tanh.
    public init() {}

    /// A configuration from the page's JSON object; absent fields take their defaults (those of
    /// `samples` and `hidden` depend on the data set).
    /// - Throws: `DecodingError` for a field of the wrong type or an unknown name.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func read<Value: Decodable>(_ key: CodingKeys, _ value: inout Value) throws {
            if let decoded = try container.decodeIfPresent(Value.self, forKey: key) { value = decoded }
        }
        try read(.dataset, &dataset)
        if dataset == .mnist {
            samples = 5000
            hidden = [32]
        }
        try read(.function, &function)
        try read(.range, &range)
        try read(.noise, &noise)
        try read(.trainFraction, &trainFraction)
        try read(.samples, &samples)
        try read(.features, &features)
        try read(.hidden, &hidden)
        try read(.activation, &activation)
        try read(.head, &head)
        try read(.initializer, &initializer)
        try read(.optimizer, &optimizer)
        try read(.learningRate, &learningRate)
        try read(.batchSize, &batchSize)
        try read(.clipping, &clipping)
        try read(.seed, &seed)
    }

    /// This configuration if every value is allowed, with features in canonical order and
    /// without repeats.
    /// - Throws: ``PlaygroundError`` `limit` for a size beyond `limits`, `bad-config` for any
    ///   other value out of its range; the message names the field and what is allowed.
    public func validated(against limits: PlaygroundLimits = PlaygroundLimits()) throws -> PlaygroundConfig {
        func check(_ condition: Bool, _ message: @autoclosure () -> String) throws {
            if !condition { throw PlaygroundError(.badConfig, message()) }
        }
        func checkLimit(_ condition: Bool, _ message: @autoclosure () -> String) throws {
            if !condition { throw PlaygroundError(.limit, message()) }
        }
        var config = self
        let sampleRange = dataset == .mnist ? limits.mnistSamples : limits.toySamples
        try checkLimit(sampleRange.contains(samples), "samples must be \(sampleRange.lowerBound) … \(sampleRange.upperBound) for \(dataset.rawValue), got \(samples)")
        try check(limits.noise.contains(noise), "noise must be 0 … \(limits.noise.upperBound), got \(noise)")
        try check(limits.trainFraction.contains(trainFraction), "trainFraction must be \(limits.trainFraction.lowerBound) … \(limits.trainFraction.upperBound), got \(trainFraction)")
        let (maximumLayers, maximumUnits) = dataset == .mnist
            ? (limits.mnistHiddenLayers, limits.mnistHiddenUnits) : (limits.hiddenLayers, limits.hiddenUnits)
        try checkLimit(hidden.count <= maximumLayers, "at most \(maximumLayers) hidden layers for \(dataset.rawValue), got \(hidden.count)")
        try checkLimit(hidden.allSatisfy { (1...maximumUnits).contains($0) },
                  "hidden layers have 1 … \(maximumUnits) units for \(dataset.rawValue), got \(hidden)")
        if dataset.isPlanar {
            try check(!features.isEmpty, "features must hold at least one of \(PlaygroundFeature.allCases.map(\.rawValue))")
            config.features = PlaygroundFeature.allCases.filter(features.contains)
        }
        if dataset == .function {
            try check(range.count == 2 && range.allSatisfy(\.isFinite) && range[0] < range[1],
                      "range must be [low, high] with low < high, got \(range)")
            try check(range.allSatisfy { Swift.abs($0) <= limits.maximumRangeMagnitude },
                      "range ends must lie within ±\(limits.maximumRangeMagnitude), got \(range)")
        }
        try check(learningRate > 0 && learningRate <= limits.maximumLearningRate,
                  "learningRate must be > 0 and ≤ \(limits.maximumLearningRate), got \(learningRate)")
        try checkLimit(limits.batchSize.contains(batchSize), "batchSize must be \(limits.batchSize.lowerBound) … \(limits.batchSize.upperBound), got \(batchSize)")
        if clipping.mode == .off {
            config.clipping.limit = nil
        } else {
            let limit = clipping.limit ?? .nan
            try check(limit.isFinite && limit > 0 && limit <= Double(Float.greatestFiniteMagnitude),
                      "clipping by \(clipping.mode.rawValue) needs a finite limit > 0, got \(clipping.limit.map { "\($0)" } ?? "none")")
        }
        try check((0...limits.maximumSeed).contains(seed), "seed must be 0 … \(limits.maximumSeed), got \(seed)")
        _ = try PlaygroundHead(choice: head, dataset: dataset)
        return config
    }
}
