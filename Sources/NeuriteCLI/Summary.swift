import ArgumentParser
import Foundation
import Neurite

struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a model's layers, their output shapes and parameter counts.")

    @Argument(help: "An architecture (\"dense(128, relu) dense(10)\", lenet, or a file holding one), or a model saved by 'neurite train'.")
    var model: String

    @Option(help: "One sample's shape, e.g. 784 or 1,28,28. Default: the shape stored in a saved model, else 784 (an MNIST image).")
    var inputShape: String?

    func validate() throws {
        if let inputShape { _ = try SavedModel.shape(inputShape) }
    }

    func run() throws {
        let architecture: Architecture, shape: [Int]
        // A saved model by its name, or any file that reads as one; other files hold architecture text.
        let isFile = FileManager.default.fileExists(atPath: model)
        let saved = model.hasSuffix(".safetensors") ? try SavedModel(path: model) : isFile ? try? SavedModel(path: model) : nil
        if let saved {
            architecture = saved.architecture
            shape = try inputShape.map(SavedModel.shape) ?? saved.inputShape
        } else {
            architecture = try ArchitectureArgument.parse(model)
            shape = try inputShape.map(SavedModel.shape) ?? [784]
        }
        let summary = try architecture.summary(inputShape: shape)
        print("model: \(architecture)")
        if let saved, let task = try saved.task() {
            print("task: \(task.rawValue); features: \(try saved.names(SavedModel.Key.features).joined(separator: ", ")); targets: \(try saved.names(SavedModel.Key.targets).joined(separator: ", "))")
        }
        print(summary)
    }
}
