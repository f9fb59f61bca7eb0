import Foundation
import Neurite
import NeuritePlot

/// Claims 12, 13 and 14: too-large weights make gradients explode; clipping by value bounds each
/// component to [−N, N] and changes the direction; clipping by global norm rescales all gradients
/// together and keeps the direction.
///
/// A deep ReLU network initialized at `scale`× the He standard deviation: each layer multiplies
/// activations and gradients by about `scale`, so the gradient is about scale^depth larger than
/// with He. Its gradients are then clipped both ways.
public struct ExplodingExperiment: Sendable {
    /// Layers of the deep networks.
    public var depth = 20
    /// Units per hidden layer.
    public var width = 128
    /// The large initialization's standard deviation, in multiples of He's √(2/fan-in).
    public var scale: Float = 2
    /// The limit N of clipping by value.
    public var clipValue: Float = 1
    /// The limit τ of clipping by global norm.
    public var clipNorm: Float = 5
    /// Seeds every initialization and shuffle, so that a run repeats exactly.
    public var seed: UInt64 = 17

    /// The experiment at the sizes `neurite lab` uses without `--quick`.
    public init() {}

    /// What the experiment measured.
    public struct Result: Sendable {
        /// Weight-gradient norm per layer with He and with the large initialization.
        public let heNorms: [Double], largeNorms: [Double]
        /// Global gradient norm with He and with the large initialization.
        public let heGlobalNorm: Double, largeGlobalNorm: Double
        /// After clipping the large gradients by value.
        public let valueClippedMaximum: Double, valueClippedCosine: Double, valueClippedNorms: [Double]
        /// After clipping them by global norm.
        public let normClippedGlobalNorm: Double, normClippedCosine: Double, normClippedNorms: [Double]
    }

    func gradients(_ initializer: Initializer) throws -> Gradients {
        let model = Sequential((0..<depth).map { layer in
            layer == depth - 1 ? Dense(width, 10, seed: seed &+ UInt64(layer))
                : Dense(width, width, activation: .relu, initializer: initializer, seed: seed &+ UInt64(layer))
        })
        let inputs = Tensor.randomNormal([64, width], seed: seed &+ 100)
        var generator = RandomGenerator(seed: seed &+ 101)
        let labels = (0..<64).map { _ in Int(generator.next() % 10) }
        return try valueWithGradient(of: model) { try crossEntropy(logits: $0(inputs), labels: labels) }.gradients
    }

    /// cos ∠(a, b) over all parameters together, in double precision.
    static func cosine(_ a: Gradients, _ b: Gradients) -> Double {
        var dot = 0.0, normA = 0.0, normB = 0.0
        for (first, second) in zip(a.entries, b.entries) {
            for (x, y) in zip(first.gradient.scalars, second.gradient.scalars) {
                dot += Double(x) * Double(y)
                normA += Double(x) * Double(x)
                normB += Double(y) * Double(y)
            }
        }
        return dot / max((normA * normB).squareRoot(), .leastNormalMagnitude)
    }

    /// Trains and measures.
    /// - Throws: what loading MNIST or a layer throws.
    public func run() throws -> Result {
        let he = try gradients(.heNormal)
        let large = try gradients(.normal(mean: 0, standardDeviation: scale * (2 / Float(width)).squareRoot()))
        let byValue = large.clipped(toValue: clipValue), byNorm = large.clipped(toNorm: clipNorm)
        return Result(
            heNorms: Lab.weightGradientNorms(he), largeNorms: Lab.weightGradientNorms(large),
            heGlobalNorm: Double(he.globalNorm), largeGlobalNorm: Double(large.globalNorm),
            valueClippedMaximum: Double(byValue.statistics.map(\.statistics.maximumMagnitude).max() ?? 0),
            valueClippedCosine: Self.cosine(large, byValue), valueClippedNorms: Lab.weightGradientNorms(byValue),
            normClippedGlobalNorm: Double(byNorm.globalNorm), normClippedCosine: Self.cosine(large, byNorm),
            normClippedNorms: Lab.weightGradientNorms(byNorm))
    }

    /// The numbers and three-line verdict of `result`, with its figures when `drawing`.
    public func report(_ result: Result, drawing: Bool) -> LabReport {
        var figures: [(name: String, figure: Figure)] = []
        if drawing {
            let categories = (1...depth).map(String.init)
            var explode = BarChart(title: "Gradient norms: He vs \(Lab.format(Double(scale)))× He's standard deviation", xLabel: "layer",
                                   yLabel: "‖∂loss/∂W‖", categories: categories, series: [("He", result.heNorms), ("\(Lab.format(Double(scale)))× He", result.largeNorms)])
            explode.yScale = .logarithmic
            figures.append(("exploding", explode.figure()))
            var clipped = BarChart(title: "The large gradients clipped", xLabel: "layer", yLabel: "‖∂loss/∂W‖", categories: categories, series: [
                ("unclipped", result.largeNorms), ("by value, N = \(Lab.format(Double(clipValue)))", result.valueClippedNorms),
                ("by global norm, τ = \(Lab.format(Double(clipNorm)))", result.normClippedNorms),
            ])
            clipped.yScale = .logarithmic
            figures.append(("clipping", clipped.figure()))
        }
        return LabReport(
            experiment: "exploding",
            numbers: [
                ("he_global_norm", result.heGlobalNorm), ("large_global_norm", result.largeGlobalNorm),
                ("large_over_he", result.largeGlobalNorm / result.heGlobalNorm),
                ("clip_value_limit", Double(clipValue)), ("clip_value_max_component", result.valueClippedMaximum), ("clip_value_cosine", result.valueClippedCosine),
                ("clip_norm_limit", Double(clipNorm)), ("clip_norm_global_norm", result.normClippedGlobalNorm), ("clip_norm_cosine", result.normClippedCosine),
            ],
            verdict: [
                "With weights \(Lab.format(Double(scale)))× He's scale in \(depth) ReLU layers the gradient's global norm is \(Lab.format(result.largeGlobalNorm)), \(Lab.format(result.largeGlobalNorm / result.heGlobalNorm))× that with He (\(Lab.format(result.heGlobalNorm))).",
                "Clipping by value at \(Lab.format(Double(clipValue))) bounds every component (largest \(Lab.format(result.valueClippedMaximum))) but turns the direction (cosine \(Lab.format(result.valueClippedCosine))); clipping by norm at \(Lab.format(Double(clipNorm))) gives norm \(Lab.format(result.normClippedGlobalNorm)) with cosine \(String(format: "%.7f", result.normClippedCosine)).",
                "Too-large weights multiply the gradient at every layer; clip by global norm to tame a step without changing where it points.",
            ],
            figures: figures)
    }
}
