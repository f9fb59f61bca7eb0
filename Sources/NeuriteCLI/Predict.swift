import ArgumentParser
import Foundation
import Neurite

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a saved model on a batch of inputs read from a safetensors file, and write its outputs.",
        discussion: "What a model computes can so be compared with another framework's run of the same model (scripts/check_onnx.py does).")

    @Argument(help: "A model saved by 'neurite train --output' or 'neurite import-torch'.")
    var model: String

    @Argument(help: "A safetensors file holding the inputs, [samples, …the model's input shape].")
    var inputs: String

    @Option(help: "The name of the inputs' tensor in that file.")
    var tensor = "images"

    @Option(help: "Where to write the outputs (safetensors, one tensor named 'outputs').")
    var output: String

    func run() throws {
        let saved = try SavedModel(path: model)
        let (tensors, _) = try Safetensors.read(from: URL(fileURLWithPath: inputs))
        guard let batch = tensors[tensor] else {
            throw ValidationError("\(inputs) has no tensor named '\(tensor)' (it has \(tensors.keys.sorted().joined(separator: ", ")))")
        }
        guard batch.rank >= 1, Array(batch.shape.dropFirst()) == saved.inputShape else {
            throw ValidationError("'\(tensor)' has shape \(batch.shape); the model takes [samples, \(saved.inputShape.map(String.init).joined(separator: ", "))]")
        }
        let outputs = try saved.network.predict(batch)
        try Safetensors.write([("outputs", outputs)], to: URL(fileURLWithPath: output))
        print("wrote \(output): outputs \(outputs.shape)")
    }
}
