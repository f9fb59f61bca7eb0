import Foundation
import Neurite
import NeuritePlot

/// Claim 15: end-to-end learning needs more data than a pipeline of hand-made features, and wins
/// when data is plentiful.
///
/// On MNIST subsets of growing size, raw pixels go into a 784-H-10 ReLU MLP, and hand-made
/// features (block averages, projection histograms, stroke directions) into a linear softmax
/// classifier; both are trained for the same number of epochs and tested on the same test images.
public struct EndToEndExperiment: Sendable {
    /// The training-set sizes of the learning curves.
    public var sizes = [100, 300, 1000, 3000, 10_000, 60_000]
    /// Test images every model is measured on.
    public var testSamples = 10_000
    /// Units in each hidden layer.
    public var hiddenUnits = 128
    /// Scales the training budget: 10 epochs and at least 500 steps at 1.
    public var epochScale = 1.0
    /// Seeds every initialization and shuffle, so that a run repeats exactly.
    public var seed: UInt64 = 23

    /// The experiment at the sizes `neurite lab` uses without `--quick`.
    public init() {}

    /// What the experiment measured.
    public struct Result: Sendable {
        /// The training-set sizes tried.
        public let sizes: [Int]
        /// Test accuracy at each size: the MLP on pixels and the linear classifier on features.
        public let mlpAccuracies: [Double], featureAccuracies: [Double]
        /// The training-set size at which the two learning curves cross (interpolated on a log
        /// scale), nil when they do not cross within the sizes tried.
        public let crossing: Double?
    }

    /// Trains and measures.
    /// - Throws: what loading MNIST or a layer throws.
    public func run() throws -> Result {
        let data = try LabData.mnist()
        let test = data.test.prefix(testSamples)
        let epochs = max(1, Int((10 * epochScale).rounded())), minimumSteps = Int(500 * epochScale)
        var mlp: [Double] = [], features: [Double] = []
        for size in sizes {
            let train = data.train.prefix(size)
            var network = Sequential {
                Dense(784, hiddenUnits, activation: .relu, seed: seed)
                Dense(hiddenUnits, 10, seed: seed &+ 1)
            }
            _ = try Lab.trainClassifier(&network, on: train, epochs: epochs, minimumSteps: minimumSteps, learningRate: 0.02, seed: seed)
            mlp.append(try network.accuracy(on: test))

            let (trainFeatures, statistics) = try HandMadeFeatures.dataset(train, pixelMean: data.pixelMean, pixelDeviation: data.pixelStandardDeviation)
            let (testFeatures, _) = try HandMadeFeatures.dataset(test, pixelMean: data.pixelMean, pixelDeviation: data.pixelStandardDeviation, standardisedBy: statistics)
            var linear = Dense(HandMadeFeatures.count, 10, seed: seed &+ 2)
            _ = try Lab.trainClassifier(&linear, on: trainFeatures, epochs: epochs, minimumSteps: minimumSteps, learningRate: 0.02, seed: seed)
            features.append(try linear.accuracy(on: testFeatures))
        }
        return Result(sizes: sizes, mlpAccuracies: mlp, featureAccuracies: features, crossing: Self.crossing(sizes, mlp, features))
    }

    /// Where `first − second` changes sign from negative to positive (a tie is no crossing), log-interpolated.
    static func crossing(_ sizes: [Int], _ first: [Double], _ second: [Double]) -> Double? {
        let gaps = zip(first, second).map { $0 - $1 }
        for index in gaps.indices.dropFirst() where gaps[index - 1] < 0 && gaps[index] > 0 {
            let t = -gaps[index - 1] / (gaps[index] - gaps[index - 1])
            return exp(log(Double(sizes[index - 1])) + t * (log(Double(sizes[index])) - log(Double(sizes[index - 1]))))
        }
        return nil
    }

    /// The numbers and three-line verdict of `result`, with its figures when `drawing`.
    public func report(_ result: Result, drawing: Bool) -> LabReport {
        var figures: [(name: String, figure: Figure)] = []
        let x = result.sizes.map(Double.init)
        if drawing {
            var plot = LinePlot(title: "MNIST: raw pixels vs hand-made features", xLabel: "training samples",
                                yLabel: "test accuracy", series: [
                Series("pixels → MLP 784-\(hiddenUnits)-10", x: x, y: result.mlpAccuracies),
                Series("features → linear", x: x, y: result.featureAccuracies),
                Series("", x: x, y: result.mlpAccuracies, style: .points, color: .series(0)),
                Series("", x: x, y: result.featureAccuracies, style: .points, color: .series(1)),
            ])
            plot.xScale = .logarithmic
            if let crossing = result.crossing { plot.markers = [(crossing, "cross at ≈\(Int(crossing.rounded()))")] }
            figures.append(("end-to-end", plot.figure()))
        }
        let first = result.sizes.first ?? 0, last = result.sizes.last ?? 0
        func points(_ curve: [Double]) -> String { String(format: "%.1f", 100 * ((curve.last ?? 0) - (curve.first ?? 0))) }
        return LabReport(
            experiment: "end-to-end",
            numbers: zip(result.sizes, zip(result.mlpAccuracies, result.featureAccuracies)).flatMap { size, accuracies in
                [("mlp_accuracy_\(size)", accuracies.0), ("features_accuracy_\(size)", accuracies.1)]
            } + [("crossing_samples", result.crossing ?? .nan)],
            verdict: [
                "With \(first) training digits, hand-made features into a linear classifier reach \(Lab.percent(result.featureAccuracies.first ?? 0)) and an MLP on raw pixels \(Lab.percent(result.mlpAccuracies.first ?? 0)).",
                "With \(last) digits the MLP reaches \(Lab.percent(result.mlpAccuracies.last ?? 0)) and the features \(Lab.percent(result.featureAccuracies.last ?? 0)); " + (result.crossing.map { "the MLP overtakes the features near \(Int($0.rounded())) samples." } ?? "the MLP does not overtake the features in this range."),
                "Hand-made features carry prior knowledge that spares data; learning end to end starts behind but gains more from added data (+\(points(result.mlpAccuracies)) points from \(first) to \(last) samples against +\(points(result.featureAccuracies))).",
            ],
            figures: figures)
    }
}
