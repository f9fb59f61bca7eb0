/// What the page draws after each slice of training: the `frame` message of the protocol
/// (`docs/playground-protocol.md`). Every number is rounded to 4 significant digits; a number
/// that is not finite is `null`.
public struct PlaygroundFrame: Encodable, Sendable {
    /// One layer's gradient norms.
    public struct GradientNorm: Encodable, Sendable {
        /// The layer's path, `"layers.0"`.
        public var layer: String
        public var weight: Double?
        public var bias: Double?
    }

    /// A square grid of values over [-6, 6]², row-major from the top-left corner (y = 6).
    public struct Grid: Encodable, Sendable {
        public var size: Int
        public var values: [Double?]
    }

    /// The 1-D fit: the network and the true function on twice the training range.
    public struct Curve: Encodable, Sendable {
        public var x: [Double?]
        public var predicted: [Double?]
        public var `true`: [Double?]
        public var trainRange: [Double?]
    }

    /// What MNIST adds: the first units' weights (784 each) and the test confusion matrix.
    public struct DigitsView: Encodable, Sendable {
        public var firstLayer: [[Double?]]
        public var confusion: [[Int]]
    }

    public var step: Int
    public var epoch: Double?
    public var playing: Bool
    public var trainLoss: Double?
    public var testLoss: Double?
    public var trainAccuracy: Double?
    public var testAccuracy: Double?
    public var gradientNorms: [GradientNorm] = []
    /// Per layer, `[output unit][input]`.
    public var weights: [[[Double?]]]?
    public var regions: Grid?
    /// Per hidden layer, per unit, a 20 × 20 grid.
    public var units: [[Grid]]?
    public var curve: Curve?
    public var mnist: DigitsView?

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("frame", forKey: .type)
        try container.encode(step, forKey: .step)
        try container.encode(epoch, forKey: .epoch)
        try container.encode(playing, forKey: .playing)
        // Written even when nil: `null` is how the page learns that the loss diverged.
        try container.encode(trainLoss, forKey: .trainLoss)
        try container.encode(testLoss, forKey: .testLoss)
        try container.encodeIfPresent(trainAccuracy, forKey: .trainAccuracy)
        try container.encodeIfPresent(testAccuracy, forKey: .testAccuracy)
        try container.encode(gradientNorms, forKey: .gradientNorms)
        try container.encodeIfPresent(weights, forKey: .weights)
        try container.encodeIfPresent(regions, forKey: .regions)
        try container.encodeIfPresent(units?.map { layer in layer.map(\.values) }, forKey: .units)
        try container.encodeIfPresent(curve, forKey: .curve)
        try container.encodeIfPresent(mnist, forKey: .mnist)
    }

    private enum CodingKeys: String, CodingKey {
        case type, step, epoch, playing, trainLoss, testLoss, trainAccuracy, testAccuracy, gradientNorms
        case weights, regions, units, curve, mnist
    }
}
