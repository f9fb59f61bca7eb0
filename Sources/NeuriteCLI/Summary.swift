import ArgumentParser
import Foundation
import Neurite

struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a model's layers, their output shapes and parameter counts.")

    @Argument(help: "An architecture (\"dense(128, relu) dense(10)\", lenet, or a file holding one), or a model saved by 'neurite train' (or an ONNX model, .onnx).")
    var model: String

    @Option(help: "One sample's shape, e.g. 784 or 1,28,28. Default: the shape stored in a saved model (a character model: a window of 32 characters), else 784 (an MNIST image).")
    var inputShape: String?

    func validate() throws {
        if let inputShape { _ = try SavedModel.shape(inputShape) }
    }

    func run() throws {
        let architecture: Architecture, shape: [Int]
        // A saved model by its name, or any file that reads as one; other files hold architecture text.
        let isFile = FileManager.default.fileExists(atPath: model)
        let file = model.hasSuffix(".safetensors") ? try SavedFile.open(model) : isFile ? try? SavedFile.open(model) : nil
        if case .characterLanguageModel(let languageModel) = file { return try summarize(languageModel) }
        let saved: SavedModel? = if case .network(let network) = file { network } else { nil }
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

    /// A character model as the architecture it is (the recurrent layer over one-hot characters,
    /// the dense layer to one logit per character), over a window of 32 characters unless
    /// `--input-shape` gives another.
    private func summarize(_ model: CharacterLanguageModel) throws {
        let architecture = try Architecture(model.layerWords)
        let shape = try inputShape.map(SavedModel.shape) ?? [32, model.vocabulary.count]
        guard shape.count == 2, shape[1] == model.vocabulary.count else {
            throw CommandLineError(subject: "--input-shape", message: "expected TIME,\(model.vocabulary.count) for a character model of \(model.vocabulary.count) characters, found \(shape.map(String.init).joined(separator: ","))")
        }
        let summary = try architecture.summary(inputShape: shape)
        print("model: \(model.headline)")
        print("vocabulary: \(model.vocabulary.count) characters, " + String(reflecting: String(model.vocabulary)))
        print(summary)
    }
}
