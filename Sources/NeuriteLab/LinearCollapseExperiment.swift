import Foundation
import Neurite
import NeuritePlot

/// Claim 3: with linear activations any depth collapses to one linear map, and cannot learn XOR.
///
/// The product of a deep linear network's weight matrices (with its biases carried through)
/// reproduces the network exactly; trained on XOR, the deep linear network ends undecided
/// everywhere (p = ½, its best linear fit), while the same depth with ReLU gets all four points.
/// The linear network's accuracy on the four points is then a tie broken by float rounding (25%,
/// 50% or even 100%, by the GEMM's order of sums), so the verdict reports how undecided it is.
public struct LinearCollapseExperiment: Sendable {
    /// Layers of the deep networks.
    public var depth = 4
    /// Units per hidden layer.
    public var width = 16
    /// Training steps.
    public var steps = 1000
    /// Seeds every initialization and shuffle, so that a run repeats exactly.
    public var seed: UInt64 = 3

    /// The experiment at the sizes `neurite lab` uses without `--quick`.
    public init() {}

    /// What the experiment measured.
    public struct Result: Sendable {
        /// max |deep linear net − single collapsed map| over random inputs.
        public let collapseError: Double
        /// Accuracy on the four XOR points, linear layers.
        public let linearXORAccuracy: Double
        /// Accuracy on the four XOR points, ReLU layers.
        public let reluXORAccuracy: Double
        /// Decision regions on a grid (for the figure).
        public let linearRegions: [Int], reluRegions: [Int]
        /// |p(1) − p(0)| on the grid: how sure each network is.
        public let linearConfidences: [Double], reluConfidences: [Double]
    }

    static let xorInputs: [[Float]] = [[0, 0], [0, 1], [1, 0], [1, 1]]
    static let xorLabels = [0, 1, 1, 0]
    static let range = -0.5...1.5, resolution = 120

    func network(_ activation: Activation) -> Sequential {
        Sequential((0..<depth).map { layer in
            Dense(layer == 0 ? 2 : width, layer == depth - 1 ? 2 : width, activation: layer == depth - 1 ? .linear : activation,
                  seed: seed &+ UInt64(layer))
        })
    }

    /// Trains and measures.
    /// - Throws: what loading MNIST or a layer throws.
    public func run() throws -> Result {
        // Collapse: x·W₁+b₁ then ·W₂+b₂ … equals x·(W₁W₂…) + ((b₁W₂+b₂)W₃+b₃)…
        let linear = network(.linear)
        let layers = linear.layers.map { $0 as! Dense }
        for layer in layers { layer.bias!.value = Tensor.randomNormal(layer.bias!.value.shape, standardDeviation: 0.5, seed: seed) }
        var product = layers[0].weight, offset = layers[0].bias!.value.reshaped([1, layers[0].outputSize])
        for layer in layers.dropFirst() {
            product = matmul(product, layer.weight)
            offset = matmul(offset, layer.weight) + layer.bias!.value
        }
        let probe = Tensor.randomNormal([256, 2], seed: seed &+ 100)
        let deep = try linear(probe).scalars, collapsed = (matmul(probe, product) + offset).scalars
        let collapseError = zip(deep, collapsed).map { Double(abs($0 - $1)) }.max() ?? 0

        let inputs = try Tensor(rows: Self.xorInputs)
        let grid = DecisionRegions.gridPoints(xRange: Self.range, yRange: Self.range, resolution: Self.resolution)
        let gridInputs = try Tensor(shape: [grid.count, 2], scalars: grid.flatMap { [Float($0.x), Float($0.y)] })
        func trained(_ activation: Activation) throws -> (accuracy: Double, regions: [Int], confidences: [Double]) {
            var model = network(activation)
            var optimizer = SGD(learningRate: 0.05, momentum: 0.9)
            _ = try Lab.train(&model, steps: steps, optimizer: &optimizer) { try crossEntropy(logits: $0(inputs), labels: Self.xorLabels) }
            let predicted = try model.predict(inputs).argmaxIndices(alongAxis: -1)
            let probabilities = try softmax(model.predict(gridInputs)).scalars
            let confidences = stride(from: 0, to: probabilities.count, by: 2).map { Double(abs(probabilities[$0 + 1] - probabilities[$0])) }
            return (Lab.agreement(predicted, Self.xorLabels), try model.predict(gridInputs).argmaxIndices(alongAxis: -1), confidences)
        }
        let linearRun = try trained(.linear), reluRun = try trained(.relu)
        return Result(collapseError: collapseError, linearXORAccuracy: linearRun.accuracy, reluXORAccuracy: reluRun.accuracy,
                      linearRegions: linearRun.regions, reluRegions: reluRun.regions,
                      linearConfidences: linearRun.confidences, reluConfidences: reluRun.confidences)
    }

    /// The numbers and three-line verdict of `result`, with its figures when `drawing`.
    public func report(_ result: Result, drawing: Bool) -> LabReport {
        let linearLargestConfidence = result.linearConfidences.max() ?? 0
        var figures: [(name: String, figure: Figure)] = []
        if drawing {
            let samples = zip(Self.xorInputs, Self.xorLabels).map { (x: Double($0[0]), y: Double($0[1]), label: $1) }
            func panel(_ title: String, _ regions: [Int], _ confidences: [Double]) -> Figure {
                var plot = DecisionRegions(title: title, xRange: Self.range, yRange: Self.range, resolution: Self.resolution, classes: regions, samples: samples)
                plot.classNames = ["XOR 0", "XOR 1"]
                plot.confidences = confidences
                return plot.figure()
            }
            figures.append(("linear-collapse", Figure.row([
                panel("\(depth) linear layers: |p1 - p0| <= \(Lab.format(linearLargestConfidence))", result.linearRegions, result.linearConfidences),
                panel("\(depth) ReLU layers: \(Lab.percent(result.reluXORAccuracy))", result.reluRegions, result.reluConfidences),
            ], title: "XOR: linear layers find no boundary (faded: unsure), ReLU layers do")))
        }
        return LabReport(
            experiment: "linear-collapse",
            numbers: [("collapse_max_error", result.collapseError), ("linear_xor_accuracy", result.linearXORAccuracy),
                      ("relu_xor_accuracy", result.reluXORAccuracy), ("linear_largest_confidence", linearLargestConfidence)],
            verdict: [
                "The product of the \(depth) weight matrices of a deep linear network reproduces it to \(Lab.format(result.collapseError)) (float rounding): any depth of linear layers is one linear map.",
                "Trained on XOR, \(depth) linear layers end undecided everywhere (|p(1) − p(0)| ≤ \(Lab.format(linearLargestConfidence)) on the whole grid, so their \(Lab.percent(result.linearXORAccuracy)) on the four points is float rounding); the same \(depth) layers with ReLU reach \(Lab.percent(result.reluXORAccuracy)).",
                "Depth only adds power through non-linear activations: one straight line cannot separate XOR's classes.",
            ],
            figures: figures)
    }
}
