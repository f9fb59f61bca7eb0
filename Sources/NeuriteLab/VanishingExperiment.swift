import Foundation
import Neurite
import NeuritePlot

/// Claim 11: in deep sigmoid networks the early layers' gradients vanish.
///
/// One batch through `depth` sigmoid layers (Xavier) and the same depth of ReLU layers (He), with
/// a 10-class softmax head; the gradient norm of every layer's weights. Going back, each sigmoid
/// layer multiplies the gradient by σ′ ≤ 1/4, so the first layer's share shrinks geometrically.
public struct VanishingExperiment: Sendable {
    /// Layers of the deep networks.
    public var depth = 20
    /// Units per hidden layer.
    public var width = 128
    /// Seeds every initialization and shuffle, so that a run repeats exactly.
    public var seed: UInt64 = 13

    /// The experiment at the sizes `neurite lab` uses without `--quick`.
    public init() {}

    /// What the experiment measured.
    public struct Result: Sendable {
        /// Weight-gradient norm of layers 1…depth (the last is the head).
        public let sigmoidNorms: [Double], reluNorms: [Double]
        /// First layer's norm over the last layer's, sigmoid.
        public var sigmoidRatio: Double { (sigmoidNorms.first ?? 0) / (sigmoidNorms.last ?? 1) }
        /// First layer's norm over the last layer's, ReLU with He.
        public var reluRatio: Double { (reluNorms.first ?? 0) / (reluNorms.last ?? 1) }
    }

    /// The weight-gradient norm of each layer of a deep network on one random batch.
    static func gradientNorms(depth: Int, width: Int, activation: Activation, initializer: Initializer, seed: UInt64) throws -> [Double] {
        let model = Sequential((0..<depth).map { layer in
            layer == depth - 1
                ? Dense(width, 10, seed: seed &+ UInt64(layer))
                : Dense(width, width, activation: activation, initializer: initializer, seed: seed &+ UInt64(layer))
        })
        let inputs = Tensor.randomNormal([64, width], seed: seed &+ 100)
        var generator = RandomGenerator(seed: seed &+ 101)
        let labels = (0..<64).map { _ in Int(generator.next() % 10) }
        let (_, gradients) = try valueWithGradient(of: model) { try crossEntropy(logits: $0(inputs), labels: labels) }
        return Lab.weightGradientNorms(gradients)
    }

    /// Trains and measures.
    /// - Throws: what loading MNIST or a layer throws.
    public func run() throws -> Result {
        Result(
            sigmoidNorms: try Self.gradientNorms(depth: depth, width: width, activation: .sigmoid, initializer: .xavierUniform, seed: seed),
            reluNorms: try Self.gradientNorms(depth: depth, width: width, activation: .relu, initializer: .heNormal, seed: seed))
    }

    /// The numbers and three-line verdict of `result`, with its figures when `drawing`.
    public func report(_ result: Result, drawing: Bool) -> LabReport {
        var figures: [(name: String, figure: Figure)] = []
        if drawing {
            var chart = BarChart(title: "Gradient norm of each layer's weights, \(depth) layers", xLabel: "layer (\(depth) is the output)",
                                 yLabel: "‖∂loss/∂W‖", categories: (1...depth).map(String.init),
                                 series: [("sigmoid, Xavier", result.sigmoidNorms), ("ReLU, He", result.reluNorms)])
            chart.yScale = .logarithmic
            figures.append(("vanishing", chart.figure()))
        }
        return LabReport(
            experiment: "vanishing",
            numbers: [("sigmoid_first_over_last", result.sigmoidRatio), ("relu_first_over_last", result.reluRatio)]
                + result.sigmoidNorms.enumerated().map { ("sigmoid_layer_\($0.offset + 1)_norm", $0.element) }
                + result.reluNorms.enumerated().map { ("relu_layer_\($0.offset + 1)_norm", $0.element) },
            verdict: [
                "One batch through \(depth) layers of width \(width): the first layer's weight gradient is \(Lab.format(result.sigmoidRatio)) of the last layer's with sigmoid, and \(Lab.format(result.reluRatio)) with ReLU and He initialization.",
                "With sigmoid the norm shrinks layer after layer going back, since σ′ ≤ 1/4; with ReLU (derivative 1 where active) and He scaling it stays within one order of magnitude.",
                "Deep sigmoid networks barely train their early layers: use ReLU with He initialization in hidden layers.",
            ],
            figures: figures)
    }
}
