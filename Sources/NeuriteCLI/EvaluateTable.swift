import Foundation
import Neurite

extension Evaluate {
    /// `neurite evaluate MODEL TABLE.csv`: prints ``tableMeasurements(_:task:on:)``.
    func evaluate(_ saved: SavedModel, task: TableTask, on path: String) throws {
        let measured = try tableMeasurements(saved, task: task, on: path)
        print("model: \(saved.architecture)  (\(measured.parameters) parameters)")
        let rows = measured.rows == 1 ? "1 row" : "\(measured.rows) rows"
        print("table: \(rows) of \(path); task \(task.rawValue), target \(try saved.names(SavedModel.Key.targets).joined(separator: ", "))")
        var line = String(format: "loss %.4f", measured.loss)
        for metric in task.metrics { line += "  \(metric.name) " + String(format: "%.4f", measured.metrics[metric.name] ?? .nan) }
        print(line)
    }

    /// The model of a CSV table measured on `path`'s rows with the loss and metrics its task
    /// trains with, in the table's units (a regression's training printed them in standard
    /// deviations; see ``TableTask/targetScaling(fitting:)``). Its features are read as `predict`
    /// reads them (``SavedModel/inputs(from:)``).
    func tableMeasurements(_ saved: SavedModel, task: TableTask, on path: String) throws
        -> (rows: Int, parameters: Int, loss: Double, metrics: [String: Double]) {
        let csv = try CSVTable(contentsOf: InputPath.url(path))
        let inputs = try saved.inputs(from: csv)
        let network = try saved.network(batchSize: inferenceBatchSize)
        // Multiclass labels must be classes of the model (its head's outputs), not of the table:
        // a test table may lack the highest class.
        let classCount = (network.layers.last as? Dense)?.weight.shape[1]
        let (targets, _) = try task.targets(from: csv, columns: saved.names(SavedModel.Key.targets), classCount: classCount)
        let result = try network.evaluate(on: Dataset(inputs: inputs, targets: targets), loss: task.loss, metrics: task.metrics)
        return (csv.count, network.parameterCount, result.loss, result.metrics)
    }
}
