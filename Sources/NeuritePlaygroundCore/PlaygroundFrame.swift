/// What the page draws after each slice of training: the `frame` message of the protocol
/// (`docs/playground-protocol.md`). Every number is rounded to 4 significant digits; a number
/// that is not finite is `null`.
public struct PlaygroundFrame: Encodable, Sendable {
    /// One layer's gradient norms.
    public struct GradientNorm: Encodable, Sendable {
        /// The layer's path, `"layers.0"`.
        public var layer: String
        /// ‖∂L/∂W‖₂.
        public var weight: Double?
        /// ‖∂L/∂b‖₂.
        public var bias: Double?
    }

    /// A square grid of values over [-6, 6]², row-major from the top-left corner (y = 6).
    public struct Grid: Encodable, Sendable {
        /// The side of the grid.
        public var size: Int
        /// `size × size` values.
        public var values: [Double?]
    }

    /// The 1-D fit: the network and the true function on twice the training range.
    public struct Curve: Encodable, Sendable {
        /// The points, from the centre of the training range minus its width to plus its width.
        public var x: [Double?]
        /// The network's output at each point.
        public var predicted: [Double?]
        /// f at each point.
        public var `true`: [Double?]
        /// `[low, high]` of the training samples' x.
        public var trainRange: [Double?]
    }

    /// What MNIST adds: the first units' weights (784 each) and the test confusion matrix.
    public struct DigitsView: Encodable, Sendable {
        /// Per shown unit, its 784 input weights (row-major 28 × 28).
        public var firstLayer: [[Double?]]
        /// `confusion[actual][predicted]` over the test images.
        public var confusion: [[Int]]
    }

    /// Optimizer steps so far.
    public var step: Int
    /// Epochs so far (fractional).
    public var epoch: Double?
    /// Whether training continues.
    public var playing: Bool
    /// The mean loss over the whole training set; nil when not finite.
    public var trainLoss: Double?
    /// The mean loss over the whole test set; nil when not finite.
    public var testLoss: Double?
    /// Accuracy on the training set (classification only).
    public var trainAccuracy: Double?
    /// Accuracy on the test set (classification only).
    public var testAccuracy: Double?
    /// Per layer, the last step's gradient norms.
    public var gradientNorms: [GradientNorm] = []
    /// Per layer, `[output unit][input]`.
    public var weights: [[[Double?]]]?
    /// The 40 × 40 decision regions (2-D).
    public var regions: Grid?
    /// Per hidden layer, per unit, a 20 × 20 grid.
    public var units: [[Grid]]?
    /// The fitted curve (1-D).
    public var curve: Curve?
    /// The first layer's weights and the confusion matrix (MNIST).
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
