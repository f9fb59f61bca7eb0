import Foundation
import Neurite
import NeuritePlot

/// The figures of `neurite train --plots`: learning curves, the diagnostics over time, and the
/// first layer's weights after training.
public enum TrainingPlots {
    /// One epoch's numbers.
    public struct Epoch: Sendable {
        /// Mean training loss and accuracy over the epoch, and test loss and accuracy after it.
        public let trainLoss: Double, trainAccuracy: Double, testLoss: Double, testAccuracy: Double
        /// One epoch's numbers.
        public init(trainLoss: Double, trainAccuracy: Double, testLoss: Double, testAccuracy: Double) {
            self.trainLoss = trainLoss
            self.trainAccuracy = trainAccuracy
            self.testLoss = testLoss
            self.testAccuracy = testAccuracy
        }
    }

    /// The figures by file name (without extension).
    public static func figures(epochs: [Epoch], diagnostics: [DiagnosticsRecord], model: any Layer) -> [(name: String, figure: Figure)] {
        let x = epochs.indices.map { Double($0 + 1) }
        var figures: [(name: String, figure: Figure)] = []
        let accuracy = LinePlot(title: "Accuracy", xLabel: "epoch", yLabel: "accuracy", series: [
            Series("train", x: x, y: epochs.map(\.trainAccuracy)), Series("test", x: x, y: epochs.map(\.testAccuracy)),
            Series("", x: x, y: epochs.map(\.trainAccuracy), style: .points, color: .series(0)),
            Series("", x: x, y: epochs.map(\.testAccuracy), style: .points, color: .series(1)),
        ])
        figures.append(("curves", Figure.row([
            LinePlot(title: "Loss", xLabel: "epoch", yLabel: "cross-entropy", series: [
                Series("train", x: x, y: epochs.map(\.trainLoss)), Series("test", x: x, y: epochs.map(\.testLoss)),
                Series("", x: x, y: epochs.map(\.trainLoss), style: .points, color: .series(0)),
                Series("", x: x, y: epochs.map(\.testLoss), style: .points, color: .series(1)),
            ]).figure(width: 560, height: 420),
            accuracy.figure(width: 560, height: 420),
        ], title: "Training and test curves")))
        if !diagnostics.isEmpty {
            let layers = diagnostics[0].layers.map(\.layer)
            func perLayer(_ value: (LayerDiagnostics) -> Double?) -> [Series] {
                layers.map { layer in
                    let points = diagnostics.compactMap { record in
                        record.layers.first { $0.layer == layer }.flatMap(value).map { (Double(record.step), $0) }
                    }
                    return Series(layer, x: points.map(\.0), y: points.map(\.1))
                }
            }
            func plot(_ title: String, _ label: String, _ series: [Series], log: Bool) -> Figure {
                var plot = LinePlot(title: title, xLabel: "step", yLabel: label, series: series.filter { !$0.x.isEmpty })
                if log { plot.yScale = .logarithmic } else { plot.yRange = 0...1 }
                return plot.figure(width: 560, height: 420)
            }
            figures.append(("diagnostics", Figure.grid([
                [plot("Gradient norm per layer", "‖g‖", perLayer { $0.gradientNorm }, log: true),
                 plot("Update-to-weight ratio", "‖ΔW‖ / ‖W‖", perLayer { $0.updateToWeightRatio }, log: true)],
                [plot("Activation std per layer", "std", perLayer { $0.activationStandardDeviation }, log: true),
                 plot("Dead ReLU units", "fraction", perLayer { $0.deadFraction }, log: false)],
            ], title: "Inside the network during training")))
        }
        if let first = firstWeights(of: model) { figures.append(("first-layer", first)) }
        return figures
    }

    /// The first layer's weights: 28×28 tiles for an MNIST-sized dense layer, else a heat map.
    static func firstWeights(of model: any Layer) -> Figure? {
        guard let weight = model.namedParameters.first(where: { $0.name.hasSuffix("weight") })?.parameter.value, weight.rank == 2 else { return nil }
        let units = InitializationExperiment.units(of: weight)
        if weight.shape[0] == 784 {
            var grid = ImageGrid(title: "First-layer weights (\(min(64, units.count)) of \(units.count) units)",
                                 tiles: Array(units.prefix(64)), tileWidth: 28, tileHeight: 28, columns: 8)
            grid.note = "green: positive weight, red: negative"
            return grid.figure()
        }
        return HeatMap(title: "First-layer weights", xLabel: "input", yLabel: "unit", values: units).figure()
    }

    /// Writes every figure as PNG into `directory`; returns the paths.
    public static func write(epochs: [Epoch], diagnostics: [DiagnosticsRecord], model: any Layer, to directory: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try figures(epochs: epochs, diagnostics: diagnostics, model: model).map { name, figure in
            let url = directory.appendingPathComponent(name + ".png")
            try figure.write(to: url)
            return url
        }
    }
}
