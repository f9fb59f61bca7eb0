import Foundation
import Neurite
import NeuritePlot

/// Claims 6 and 7: the output head follows the task, and multiclass (softmax, one answer) differs
/// from multi-label (one sigmoid per label, several answers).
///
/// Regression of sin x, whose values are signed, with a linear head and with a ReLU head (which
/// cannot go below 0); regression of x², non-negative, with a ReLU head; then points of the plane
/// carrying label A where x > 0 and label B where y > 0 (both in the first quadrant), learned once
/// with softmax over {A, B} and once with one sigmoid per label.
public struct HeadsExperiment: Sendable {
    /// Training steps.
    public var steps = 1500
    /// Units per hidden layer.
    public var hidden = 32
    /// Seeds every initialization and shuffle, so that a run repeats exactly.
    public var seed: UInt64 = 7

    /// The experiment at the sizes `neurite lab` uses without `--quick`.
    public init() {}

    /// What the experiment measured.
    public struct Result: Sendable {
        /// RMSE on sin x with a linear and with a ReLU head.
        public let linearHeadSignedRMSE: Double, reluHeadSignedRMSE: Double
        /// RMSE on x²/9 with a ReLU head, and its smallest prediction.
        public let reluHeadNonNegativeRMSE: Double, reluHeadMinimum: Double
        /// Exact-match accuracy (the whole label set right) on samples with one and with two labels.
        public let softmaxSingleLabel: Double, softmaxTwoLabels: Double
        /// Exact-match accuracy of one sigmoid per label, one-label and two-label samples.
        public let sigmoidSingleLabel: Double, sigmoidTwoLabels: Double
        /// The regression curves on a grid of x (for the figure).
        public let grid: [Double], linearHead: [Double], reluHead: [Double]
        /// Predicted label sets on a grid (for the figure).
        public let softmaxRegions: [Int], sigmoidRegions: [Int]
        /// The samples and their label sets (for the figure).
        public let samples: [(x: Double, y: Double, label: Int)]
    }

    static let range = -1.0...1.0, resolution = 100

    func regression(head: Activation, target: (Float) -> Float) throws -> (grid: [Float], predictions: [Float]) {
        let x = (0..<64).map { -3 + 6 * Float($0) / 63 }
        let inputs = Lab.column(x), targets = Lab.column(x.map(target))
        var model = Sequential {
            Dense(1, hidden, activation: .tanh, seed: seed)
            Dense(hidden, hidden, activation: .tanh, seed: seed &+ 1)
            // The head starts at a constant (zero weights; the hidden layers break the symmetry),
            // 0.5 for ReLU so that it starts active everywhere: a ReLU whose input is negative
            // on every sample gets no gradient and never recovers (a dead unit).
            Dense(hidden, 1, activation: head, initializer: .zeros, seed: seed &+ 2)
        }
        if head == .relu { (model.layers[2] as! Dense).bias!.value = Tensor.full([1], 0.5) }
        var optimizer = SGD(learningRate: 0.02, momentum: 0.9)
        _ = try Lab.train(&model, steps: steps, optimizer: &optimizer) { try meanSquaredError(predictions: $0(inputs), targets: targets) }
        let grid = (0...200).map { -3 + 6 * Float($0) / 200 }
        return (grid, try model.predict(Lab.column(grid)).scalars)
    }

    /// Trains and measures.
    /// - Throws: what loading MNIST or a layer throws.
    public func run() throws -> Result {
        let linear = try regression(head: .linear, target: sin), relu = try regression(head: .relu, target: sin)
        let square = try regression(head: .relu) { $0 * $0 / 9 }
        // Samples with label A (x > 0), B (y > 0) or both; none of them lies in the third quadrant.
        var generator = RandomGenerator(seed: seed)
        var points: [(Float, Float)] = []
        while points.count < 300 {
            let point = (2 * generator.nextUnitFloat() - 1, 2 * generator.nextUnitFloat() - 1)
            if point.0 > 0 || point.1 > 0 { points.append(point) }
        }
        let inputs = try Tensor(shape: [points.count, 2], scalars: points.flatMap { [$0.0, $0.1] })
        let targets = try Tensor(shape: [points.count, 2], scalars: points.flatMap { [$0.0 > 0 ? 1 : 0, $0.1 > 0 ? 1 : 0] })
        // Label sets as classes for the figure: 0 = {A}, 1 = {B}, 2 = {A, B}, 3 = neither.
        func labelSet(_ a: Bool, _ b: Bool) -> Int { a && b ? 2 : a ? 0 : b ? 1 : 3 }
        let truth = points.map { labelSet($0.0 > 0, $0.1 > 0) }
        func classifier() -> Sequential {
            Sequential { Dense(2, hidden, activation: .relu, seed: seed &+ 3); Dense(hidden, 2, seed: seed &+ 4) }
        }
        var softmaxModel = classifier(), sigmoidModel = classifier()
        var softmaxOptimizer = SGD(learningRate: 0.1, momentum: 0.9), sigmoidOptimizer = SGD(learningRate: 0.1, momentum: 0.9)
        // Softmax learns a distribution over one answer: a sample with both labels is taught ½, ½.
        let shares = targets / targets.sum(alongAxis: 1, keepingDimension: true)
        _ = try Lab.train(&softmaxModel, steps: steps / 3, optimizer: &softmaxOptimizer) { try crossEntropy(logits: $0(inputs), probabilities: shares) }
        _ = try Lab.train(&sigmoidModel, steps: steps / 3, optimizer: &sigmoidOptimizer) { try multiLabelCrossEntropy(logits: $0(inputs), targets: targets) }
        func softmaxAnswers(_ x: Tensor) throws -> [Int] { try softmaxModel.predict(x).argmaxIndices(alongAxis: -1).map { $0 == 0 ? 0 : 1 } }
        func sigmoidAnswers(_ x: Tensor) throws -> [Int] {
            let logits = try sigmoidModel.predict(x).scalars
            return stride(from: 0, to: logits.count, by: 2).map { labelSet(logits[$0] > 0, logits[$0 + 1] > 0) }
        }
        let softmax = try softmaxAnswers(inputs), sigmoid = try sigmoidAnswers(inputs)
        let single = truth.indices.filter { truth[$0] != 2 }, double = truth.indices.filter { truth[$0] == 2 }
        func exact(_ answers: [Int], _ subset: [Int]) -> Double { Lab.agreement(subset.map { answers[$0] }, subset.map { truth[$0] }) }
        let grid = DecisionRegions.gridPoints(xRange: Self.range, yRange: Self.range, resolution: Self.resolution)
        let gridInputs = try Tensor(shape: [grid.count, 2], scalars: grid.flatMap { [Float($0.x), Float($0.y)] })
        return Result(
            linearHeadSignedRMSE: Lab.rootMeanSquare(linear.predictions, linear.grid.map(sin)),
            reluHeadSignedRMSE: Lab.rootMeanSquare(relu.predictions, relu.grid.map(sin)),
            reluHeadNonNegativeRMSE: Lab.rootMeanSquare(square.predictions, square.grid.map { $0 * $0 / 9 }),
            reluHeadMinimum: Double(square.predictions.min() ?? 0),
            softmaxSingleLabel: exact(softmax, single), softmaxTwoLabels: exact(softmax, double),
            sigmoidSingleLabel: exact(sigmoid, single), sigmoidTwoLabels: exact(sigmoid, double),
            grid: linear.grid.map(Double.init), linearHead: linear.predictions.map(Double.init), reluHead: relu.predictions.map(Double.init),
            softmaxRegions: try softmaxAnswers(gridInputs), sigmoidRegions: try sigmoidAnswers(gridInputs),
            samples: zip(points, truth).map { (Double($0.0), Double($0.1), $1) })
    }
}
