import Foundation
import Neurite
import NeuritePlot

/// Claim 2: hidden units are feature detectors; a first-layer unit's weights drawn as an image
/// (positive green, negative red) show the strokes it looks for.
///
/// A 784-64-10 ReLU network is trained on MNIST from small random weights N(0, 0.01²), so that
/// what the tiles show is what training put there. How much a weight image looks like strokes
/// rather than noise is measured by the correlation between horizontally adjacent weights (0 for
/// noise, near 1 for smooth strokes); each unit's preferred digit is the class that activates it
/// most on the test set.
public struct FeaturesExperiment: Sendable {
    /// MNIST training images used.
    public var trainingSamples = 20_000
    /// Passes over the training images.
    public var epochs = 3
    /// Small subsets get more epochs, up to this many steps in all.
    public var minimumSteps = 300
    /// Units in each hidden layer.
    public var hiddenUnits = 64
    /// Seeds every initialization and shuffle, so that a run repeats exactly.
    public var seed: UInt64 = 19

    /// The experiment at the sizes `neurite lab` uses without `--quick`.
    public init() {}

    /// What the experiment measured.
    public struct Result: Sendable {
        /// Accuracy on 2,000 test images.
        public let testAccuracy: Double
        /// Mean over units of the correlation of horizontally adjacent weights, before and after.
        public let initialSmoothness: Double, trainedSmoothness: Double
        /// Each unit's 784 weights (for the figure), and the digit that activates it most.
        public let unitWeights: [[Double]], preferredDigits: [Int]
    }

    /// The correlation between each weight and its right-hand neighbour in a 28×28 image.
    static func neighbourCorrelation(_ image: [Double]) -> Double {
        var left: [Double] = [], right: [Double] = []
        for row in 0..<28 { for column in 0..<27 { left.append(image[row * 28 + column]); right.append(image[row * 28 + column + 1]) } }
        let meanLeft = left.reduce(0, +) / Double(left.count), meanRight = right.reduce(0, +) / Double(right.count)
        var covariance = 0.0, varianceLeft = 0.0, varianceRight = 0.0
        for (a, b) in zip(left, right) {
            covariance += (a - meanLeft) * (b - meanRight)
            varianceLeft += (a - meanLeft) * (a - meanLeft)
            varianceRight += (b - meanRight) * (b - meanRight)
        }
        return covariance / max((varianceLeft * varianceRight).squareRoot(), .leastNormalMagnitude)
    }

    /// Trains and measures.
    /// - Throws: what loading MNIST or a layer throws.
    public func run() throws -> Result {
        let data = try LabData.mnist()
        let train = data.train.prefix(trainingSamples), test = data.test.prefix(2000)
        var model = Sequential {
            Dense(784, hiddenUnits, activation: .relu, initializer: .smallRandom, seed: seed)
            Dense(hiddenUnits, 10, seed: seed &+ 1)
        }
        let firstLayer = model.layers[0] as! Dense
        let initial = InitializationExperiment.units(of: firstLayer.weight)
        _ = try Lab.trainClassifier(&model, on: train, epochs: epochs, minimumSteps: minimumSteps, learningRate: 0.05, seed: seed)
        let units = InitializationExperiment.units(of: firstLayer.weight)
        // Mean activation of each unit per digit on the test set: the digit it responds to most.
        let hidden = try withoutGradient { try firstLayer(test.inputs) }.scalars
        var sums = [[Double]](repeating: [Double](repeating: 0, count: hiddenUnits), count: 10), counts = [Double](repeating: 0, count: 10)
        for (sample, label) in test.labels.enumerated() {
            counts[label] += 1
            for unit in 0..<hiddenUnits { sums[label][unit] += Double(hidden[sample * hiddenUnits + unit]) }
        }
        let preferred = (0..<hiddenUnits).map { unit in (0..<10).max { sums[$0][unit] / max(1, counts[$0]) < sums[$1][unit] / max(1, counts[$1]) }! }
        func meanSmoothness(_ units: [[Double]]) -> Double { units.map(Self.neighbourCorrelation).reduce(0, +) / Double(units.count) }
        return Result(testAccuracy: try model.accuracy(on: test), initialSmoothness: meanSmoothness(initial),
                      trainedSmoothness: meanSmoothness(units), unitWeights: units, preferredDigits: preferred)
    }

    /// The numbers and three-line verdict of `result`, with its figures when `drawing`.
    public func report(_ result: Result, drawing: Bool) -> LabReport {
        var figures: [(name: String, figure: Figure)] = []
        if drawing {
            var grid = ImageGrid(title: "The \(hiddenUnits) first-layer units of a 784-\(hiddenUnits)-10 MNIST network",
                                 tiles: result.unitWeights, tileWidth: 28, tileHeight: 28, columns: 8)
            grid.captions = result.preferredDigits.map { "digit \($0)" }
            grid.note = "green: ink here excites the unit; red: ink here inhibits it"
            figures.append(("features", grid.figure()))
        }
        return LabReport(
            experiment: "features",
            numbers: [("test_accuracy", result.testAccuracy), ("initial_neighbour_correlation", result.initialSmoothness),
                      ("trained_neighbour_correlation", result.trainedSmoothness),
                      ("distinct_preferred_digits", Double(Set(result.preferredDigits).count))],
            verdict: [
                "A 784-\(hiddenUnits)-10 ReLU network trained from N(0, 0.01²) weights on \(trainingSamples) MNIST digits reaches \(Lab.percent(result.testAccuracy)) test accuracy.",
                "Adjacent weights of a unit correlate \(Lab.format(result.trainedSmoothness)) after training against \(Lab.format(result.initialSmoothness)) at the start, and the units prefer \(Set(result.preferredDigits).count) different digits.",
                "Training turned noise into stroke detectors: each unit is a template of ink where it wants it (green) and where it does not (red).",
            ],
            figures: figures)
    }
}
