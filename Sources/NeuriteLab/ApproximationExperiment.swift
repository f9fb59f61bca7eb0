import Foundation
import Neurite
import NeuritePlot

/// Claim 1: a network is a non-linear function fitted to sample points, good on the range it was
/// trained on and not outside it.
///
/// A 1-H-H-1 tanh network is fitted to sin x at evenly spaced points of [−π, π], then compared
/// with sin x on that range and on [−2π, −π] ∪ [π, 2π], where it saw no samples: beyond the
/// data its tanh units saturate and the output flattens, while the sine keeps turning.
public struct ApproximationExperiment: Sendable {
    /// Units in each hidden layer.
    public var hiddenUnits = 32
    /// Training points, evenly spaced on [−π, π].
    public var samples = 64
    /// Training steps.
    public var steps = 3000
    /// Seeds every initialization and shuffle, so that a run repeats exactly.
    public var seed: UInt64 = 1

    /// The experiment at the sizes `neurite lab` uses without `--quick`.
    public init() {}

    /// What the fit measured.
    public struct Result: Sendable {
        /// RMSE against sin x on the training range [−π, π].
        public let inRangeRMSE: Double
        /// RMSE against sin x on [−2π, −π] ∪ [π, 2π].
        public let outOfRangeRMSE: Double
        /// The network on a grid of [−2π, 2π] (for the figure).
        public let grid: [Double], fitted: [Double]
        /// The training points (for the figure).
        public let sampleX: [Double], sampleY: [Double]
    }

    /// Trains and measures.
    /// - Throws: what loading MNIST or a layer throws.
    public func run() throws -> Result {
        let sampleX = (0..<samples).map { -Float.pi + 2 * Float.pi * Float($0) / Float(samples - 1) }
        let inputs = Lab.column(sampleX), targets = Lab.column(sampleX.map(sin))
        var model = Sequential {
            Dense(1, hiddenUnits, activation: .tanh, seed: seed)
            Dense(hiddenUnits, hiddenUnits, activation: .tanh, seed: seed &+ 1)
            Dense(hiddenUnits, 1, seed: seed &+ 2)
        }
        var optimizer = SGD(learningRate: 0.05, momentum: 0.9)
        _ = try Lab.train(&model, steps: steps, optimizer: &optimizer) { model in
            try meanSquaredError(predictions: model(inputs), targets: targets)
        }
        let grid = (0...400).map { -2 * Float.pi + 4 * Float.pi * Float($0) / 400 }
        let fitted = try model.predict(Lab.column(grid)).scalars
        let inside = grid.indices.filter { abs(grid[$0]) <= Float.pi }
        let outside = grid.indices.filter { abs(grid[$0]) > Float.pi }
        return Result(
            inRangeRMSE: Lab.rootMeanSquare(inside.map { fitted[$0] }, inside.map { sin(grid[$0]) }),
            outOfRangeRMSE: Lab.rootMeanSquare(outside.map { fitted[$0] }, outside.map { sin(grid[$0]) }),
            grid: grid.map(Double.init), fitted: fitted.map(Double.init),
            sampleX: sampleX.map(Double.init), sampleY: sampleX.map { Double(sin($0)) })
    }

    /// The report of `result`, with its figure when `drawing`.
    public func report(_ result: Result, drawing: Bool) -> LabReport {
        var figures: [(name: String, figure: Figure)] = []
        if drawing {
            var plot = LinePlot(title: "A network fitted to sin x on [-π, π]", xLabel: "x", yLabel: "y", series: [
                Series("sin x", x: result.grid, y: result.grid.map(sin), style: .dashed, color: .gray),
                Series("network", x: result.grid, y: result.fitted, color: .series(0)),
                Series("training samples", x: result.sampleX, y: result.sampleY, style: .points, color: .series(1)),
            ])
            plot.shadedRange = (-Double.pi...Double.pi, "trained here")
            plot.xRange = -2 * Double.pi...2 * Double.pi
            figures.append(("approximation", plot.figure()))
        }
        return LabReport(
            experiment: "approximation",
            numbers: [("in_range_rmse", result.inRangeRMSE), ("out_of_range_rmse", result.outOfRangeRMSE),
                      ("out_of_range_over_in_range", result.outOfRangeRMSE / result.inRangeRMSE)],
            verdict: [
                "A 1-\(hiddenUnits)-\(hiddenUnits)-1 tanh network was fitted to sin x at \(samples) points of [-π, π] (\(steps) SGD steps).",
                "On that range its RMSE is \(Lab.format(result.inRangeRMSE)); on [-2π, -π] and [π, 2π], where it saw no samples, it is \(Lab.format(result.outOfRangeRMSE)) (\(Lab.format(result.outOfRangeRMSE / result.inRangeRMSE))× larger).",
                "A network is a function fitted to its samples: it interpolates between them and does not extrapolate beyond them.",
            ],
            figures: figures)
    }
}
