import Foundation
import Neurite
import NeuritePlot

/// Claims 8, 9 and 10: zero initialization makes all units of a layer identical forever; small
/// random values break the symmetry; He initialization keeps the activation variance steady over
/// depth with ReLU, where small or large scales shrink or blow it up.
///
/// A 20-input, 8-unit sigmoid layer (and its 3-class head) is trained 100 steps from zeros and
/// from N(0, 0.01²); then a batch of N(0, 1) inputs goes through 20 ReLU layers initialized with
/// He, N(0, 0.01²) and N(0, 1) weights.
public struct InitializationExperiment: Sendable {
    /// Training steps.
    public var steps = 100
    /// Layers of the deep networks.
    public var depth = 20
    /// Units per hidden layer.
    public var width = 256
    /// Seeds every initialization and shuffle, so that a run repeats exactly.
    public var seed: UInt64 = 11

    /// The experiment at the sizes `neurite lab` uses without `--quick`.
    public init() {}

    /// What the experiment measured.
    public struct Result: Sendable {
        /// max over pairs of hidden units of max |w_i − w_j| (incoming weights), after training.
        public let zeroMaxPairwiseDifference: Double, smallRandomMaxPairwiseDifference: Double
        /// How far the zero-initialized weights moved: they change, but together.
        public let zeroWeightChange: Double
        /// The trained first-layer weights, units × inputs (for the figure).
        public let zeroWeights: [[Double]], smallRandomWeights: [[Double]]
        /// Standard deviation of each layer's output, layers 1…depth.
        public let heStandardDeviations: [Double], smallStandardDeviations: [Double], largeStandardDeviations: [Double]
    }

    /// The largest component-wise difference between any two units' incoming weights.
    static func maxPairwiseDifference(_ units: [[Double]]) -> Double {
        var largest = 0.0
        for first in units.indices { for second in units.indices where second > first {
            largest = max(largest, zip(units[first], units[second]).map { abs($0 - $1) }.max() ?? 0)
        } }
        return largest
    }

    /// Columns of a `[inputs, units]` weight matrix, as one row of weights per unit.
    static func units(of weight: Tensor) -> [[Double]] {
        let values = weight.scalars, inputs = weight.shape[0], units = weight.shape[1]
        return (0..<units).map { unit in (0..<inputs).map { Double(values[$0 * units + unit]) } }
    }

    func symmetry(_ initializer: Initializer) throws -> (units: [[Double]], change: Double) {
        let inputs = Tensor.randomNormal([64, 20], seed: seed)
        let teacher = Tensor.randomNormal([20, 3], seed: seed &+ 1)
        let labels = matmul(inputs, teacher).argmaxIndices(alongAxis: -1)
        var model = Sequential {
            Dense(20, 8, activation: .sigmoid, initializer: initializer, seed: seed &+ 2)
            Dense(8, 3, initializer: initializer, seed: seed &+ 3)
        }
        let first = (model.layers[0] as! Dense).weight
        var optimizer = SGD(learningRate: 0.5, momentum: 0.9)
        _ = try Lab.train(&model, steps: steps, optimizer: &optimizer) { try crossEntropy(logits: $0(inputs), labels: labels) }
        let trained = (model.layers[0] as! Dense).weight
        return (Self.units(of: trained), Double(TensorStatistics(trained - first).norm))
    }

    func activationDeviations(_ initializer: Initializer) throws -> [Double] {
        let model = Sequential((0..<depth).map { layer in
            Dense(width, width, activation: .relu, initializer: initializer, seed: seed &+ 10 &+ UInt64(layer))
        })
        let input = Tensor.randomNormal([128, width], seed: seed &+ 5)
        return try Lab.layerOutputs(of: model, for: input).map { Double(TensorStatistics($0).standardDeviation) }
    }

    /// Trains and measures.
    /// - Throws: what loading MNIST or a layer throws.
    public func run() throws -> Result {
        let zero = try symmetry(.zeros), small = try symmetry(.smallRandom)
        return Result(
            zeroMaxPairwiseDifference: Self.maxPairwiseDifference(zero.units),
            smallRandomMaxPairwiseDifference: Self.maxPairwiseDifference(small.units),
            zeroWeightChange: zero.change, zeroWeights: zero.units, smallRandomWeights: small.units,
            heStandardDeviations: try activationDeviations(.heNormal),
            smallStandardDeviations: try activationDeviations(.normal(mean: 0, standardDeviation: 0.01)),
            largeStandardDeviations: try activationDeviations(.normal(mean: 0, standardDeviation: 1)))
    }

    /// The numbers and three-line verdict of `result`, with its figures when `drawing`.
    public func report(_ result: Result, drawing: Bool) -> LabReport {
        var figures: [(name: String, figure: Figure)] = []
        if drawing {
            let limit = max(result.zeroWeights.flatMap { $0 }.map(abs).max() ?? 0, result.smallRandomWeights.flatMap { $0 }.map(abs).max() ?? 0)
            func panel(_ title: String, _ weights: [[Double]]) -> Figure {
                var map = HeatMap(title: title, xLabel: "input", yLabel: "hidden unit", values: weights)
                map.limit = limit
                return map.figure(width: 560, height: 360)
            }
            figures.append(("symmetry", Figure.row([
                panel("zeros", result.zeroWeights), panel("N(0, 0.01²)", result.smallRandomWeights),
            ], title: "First-layer weights after \(steps) steps: every unit the same, or each its own")))
            var plot = LinePlot(title: "Activation std over \(depth) ReLU layers", xLabel: "layer", yLabel: "std of the layer's output", series: [
                Series("He: N(0, 2/fan-in)", y: result.heStandardDeviations),
                Series("N(0, 0.01²)", y: result.smallStandardDeviations), Series("N(0, 1)", y: result.largeStandardDeviations),
            ])
            plot.yScale = .logarithmic
            figures.append(("activation-variance", plot.figure()))
        }
        let he = result.heStandardDeviations, ratio = (he.last ?? 0) / (he.first ?? 1)
        return LabReport(
            experiment: "initialization",
            numbers: [
                ("zeros_max_pairwise_unit_difference", result.zeroMaxPairwiseDifference), ("zeros_weight_change", result.zeroWeightChange),
                ("small_random_max_pairwise_unit_difference", result.smallRandomMaxPairwiseDifference),
                ("he_std_last_over_first", ratio), ("he_std_last", he.last ?? 0),
                ("small_std_last", result.smallStandardDeviations.last ?? 0), ("large_std_last", result.largeStandardDeviations.last ?? 0),
            ],
            verdict: [
                "From zeros, after \(steps) steps the weights moved by \(Lab.format(result.zeroWeightChange)) yet any two hidden units differ by at most \(Lab.format(result.zeroMaxPairwiseDifference)); from N(0, 0.01²) by up to \(Lab.format(result.smallRandomMaxPairwiseDifference)).",
                "Through \(depth) ReLU layers the output std goes from \(Lab.format(he.first ?? 0)) to \(Lab.format(he.last ?? 0)) with He (×\(Lab.format(ratio))), but ends at \(Lab.format(result.smallStandardDeviations.last ?? 0)) with N(0, 0.01²) and \(Lab.format(result.largeStandardDeviations.last ?? 0)) with N(0, 1).",
                "Identical units get identical gradients and stay a single unit, so weights must start random; He's variance 2/fan-in is the scale at which ReLU layers neither shrink nor blow up the signal.",
            ],
            figures: figures)
    }
}
