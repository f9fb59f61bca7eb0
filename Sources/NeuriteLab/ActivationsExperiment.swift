import Foundation
import Neurite
import NeuritePlot

/// Claims 4 and 5: each activation has its derivative (sigmoid g(1−g), tanh 1−g², ReLU 0/1),
/// and sigmoid, whose derivative is at most 1/4 and vanishes when saturated, trains hidden layers
/// more slowly than ReLU.
///
/// `derivative(at:)` is checked against central finite differences on a grid; then the same
/// MNIST MLP is trained with sigmoid and with ReLU hidden layers for the same steps.
public struct ActivationsExperiment: Sendable {
    /// MNIST training samples used for the speed comparison.
    public var trainingSamples = 10_000
    /// The hidden layer sizes of the MNIST MLP.
    public var hiddenLayers = [128, 128]
    /// Training steps.
    public var steps = 400
    /// Seeds every initialization and shuffle, so that a run repeats exactly.
    public var seed: UInt64 = 5

    /// The experiment at the sizes `neurite lab` uses without `--quick`.
    public init() {}

    /// What the experiment measured.
    public struct Result: Sendable {
        /// For sigmoid, tanh and ReLU: max |derivative(at:) − finite difference| on [−5, 5].
        public let derivativeErrors: [(activation: Activation, error: Double)]
        /// The largest value of each derivative on the grid (sigmoid's is 1/4).
        public let derivativeMaxima: [(activation: Activation, maximum: Double)]
        /// Training loss every `lossInterval` steps, sigmoid and ReLU hidden layers.
        public let sigmoidLosses: [Double], reluLosses: [Double]
        /// Steps per point of the loss curves.
        public let lossInterval: Int
        /// Test accuracy after training, sigmoid and ReLU hidden layers.
        public let sigmoidTestAccuracy: Double, reluTestAccuracy: Double
        /// The z values the curves are drawn at.
        public let grid: [Double]
        /// Each activation's values and derivatives on the grid.
        public let curves: [(activation: Activation, values: [Double], derivatives: [Double])]
    }

    /// Trains and measures.
    /// - Throws: what loading MNIST or a layer throws.
    public func run() throws -> Result {
        let grid = (0...200).map { -5 + 10 * Float($0) / 200 }
        let step: Float = 1e-3
        var errors: [(Activation, Double)] = [], maxima: [(Activation, Double)] = [], curves: [(Activation, [Double], [Double])] = []
        for activation in [Activation.sigmoid, .tanh, .relu] {
            let z = Tensor(grid)
            let derivative = try activation.derivative(at: z).scalars
            let above = try activation(z + step).scalars, below = try activation(z - step).scalars
            // ReLU has no derivative at 0: the grid point 0 is left out of its check.
            let checked = grid.indices.filter { activation != .relu || abs(grid[$0]) > 2 * step }
            errors.append((activation, checked.map { Double(abs(derivative[$0] - (above[$0] - below[$0]) / (2 * step))) }.max() ?? 0))
            maxima.append((activation, Double(derivative.max() ?? 0)))
            curves.append((activation, try activation(z).scalars.map(Double.init), derivative.map(Double.init)))
        }

        let data = try LabData.mnist()
        let train = data.train.prefix(trainingSamples), test = data.test.prefix(2000)
        let interval = max(1, steps / 40)
        func curve(_ activation: Activation) throws -> (losses: [Double], accuracy: Double) {
            let sizes = [784] + hiddenLayers
            var layers: [any Layer] = hiddenLayers.indices.map { index in
                Dense(sizes[index], sizes[index + 1], activation: activation, seed: seed &+ UInt64(index))
            }
            layers.append(Dense(sizes.last!, 10, seed: seed &+ 99))
            var model = Sequential(layers)
            // Plain SGD: momentum would partly hide how small sigmoid's gradients are.
            var optimizer = SGD(learningRate: 0.1)
            let batches = (0...).lazy.flatMap { epoch in train.batches(size: 64, shuffled: true, seed: self.seed &+ UInt64(epoch)) }
            var losses: [Double] = [], running = 0.0
            for (index, batch) in batches.prefix(steps).enumerated() {
                let inputs = batch.inputs, labels = batch.labels
                let (loss, gradients) = try valueWithGradient(of: model) { try crossEntropy(logits: $0(inputs), labels: labels) }
                optimizer.update(&model, along: gradients)
                running += Double(loss.scalar)
                if (index + 1) % interval == 0 { losses.append(running / Double(interval)); running = 0 }
            }
            return (losses, try model.accuracy(on: test))
        }
        let sigmoidRun = try curve(.sigmoid), reluRun = try curve(.relu)
        return Result(derivativeErrors: errors, derivativeMaxima: maxima, sigmoidLosses: sigmoidRun.losses, reluLosses: reluRun.losses,
                      lossInterval: interval, sigmoidTestAccuracy: sigmoidRun.accuracy, reluTestAccuracy: reluRun.accuracy,
                      grid: grid.map(Double.init), curves: curves)
    }

    /// The numbers and three-line verdict of `result`, with its figures when `drawing`.
    public func report(_ result: Result, drawing: Bool) -> LabReport {
        var figures: [(name: String, figure: Figure)] = []
        if drawing {
            let names: [Activation: (String, String)] = [.sigmoid: ("sigmoid g", "g′ = g(1−g)"), .tanh: ("tanh g", "g′ = 1−g²"), .relu: ("ReLU g", "g′ = 0 or 1")]
            let panels = result.curves.map { curve -> Figure in
                var plot = LinePlot(title: names[curve.activation]!.0 + " and g′", xLabel: "z", yLabel: "g(z), g′(z)", series: [
                    Series(names[curve.activation]!.0, x: result.grid, y: curve.values),
                    Series(names[curve.activation]!.1, x: result.grid, y: curve.derivatives, style: .dashed),
                ])
                plot.yRange = curve.activation == .tanh ? -1.2...1.2 : curve.activation == .sigmoid ? -0.2...1.2 : nil
                return plot.figure(width: 480, height: 400)
            }
            figures.append(("activations", Figure.row(panels, title: "Activations and their derivatives")))
            let x = result.sigmoidLosses.indices.map { Double(($0 + 1) * result.lossInterval) }
            let layers = hiddenLayers.map(String.init).joined(separator: "-")
            figures.append(("sigmoid-vs-relu", LinePlot(title: "MNIST, 784-\(layers)-10, plain SGD", xLabel: "step", yLabel: "training loss", series: [
                Series("sigmoid hidden layers", x: x, y: result.sigmoidLosses), Series("ReLU hidden layers", x: x, y: result.reluLosses),
            ]).figure()))
        }
        let errors = result.derivativeErrors.map(\.error).max() ?? 0
        let window = min(5, result.reluLosses.count)
        let sigmoidFinal = result.sigmoidLosses.suffix(window).reduce(0, +) / Double(max(1, window))
        let reluFinal = result.reluLosses.suffix(window).reduce(0, +) / Double(max(1, window))
        let sigmoidMaximum = result.derivativeMaxima.first { $0.activation == .sigmoid }?.maximum ?? 0
        return LabReport(
            experiment: "activations",
            numbers: result.derivativeErrors.map { ("\($0.activation.rawValue)_derivative_error", $0.error) }
                + [("sigmoid_derivative_maximum", sigmoidMaximum),
                   ("sigmoid_final_loss", sigmoidFinal), ("relu_final_loss", reluFinal),
                   ("sigmoid_test_accuracy", result.sigmoidTestAccuracy), ("relu_test_accuracy", result.reluTestAccuracy)],
            verdict: [
                "sigmoid′ = g(1−g), tanh′ = 1−g² and ReLU′ = 0/1 match finite differences to \(Lab.format(errors)); sigmoid′ never exceeds \(Lab.format(sigmoidMaximum)).",
                "After \(steps) plain-SGD steps on MNIST the sigmoid MLP's loss is \(Lab.format(sigmoidFinal)) (test \(Lab.percent(result.sigmoidTestAccuracy))), the ReLU MLP's \(Lab.format(reluFinal)) (test \(Lab.percent(result.reluTestAccuracy))).",
                "Each sigmoid layer multiplies the gradient by at most 1/4, so sigmoid hidden layers learn more slowly than ReLU, whose derivative is 1 wherever the unit is active.",
            ],
            figures: figures)
    }
}
