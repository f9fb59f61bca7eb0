import ArgumentParser
import Foundation
import Neurite

struct ExportONNX: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-onnx",
        abstract: "Write a saved model as an ONNX file (opset 17), input 'input' [batch, …], output 'output'.")

    @Argument(help: "A model saved by 'neurite train --output' or 'neurite import-torch'.")
    var model: String

    @Argument(help: "Where to write the ONNX model (.onnx).")
    var output: String

    func run() throws {
        try OutputProbe.check(output, option: nil, notOverwriting: [model])
        let saved = try SavedModel(path: model)
        try saved.network().writeONNX(sampleShape: saved.inputShape, to: URL(fileURLWithPath: output))
        print("wrote \(output): \(saved.architecture), input [batch, \(saved.inputShape.map(String.init).joined(separator: ", "))]")
    }
}
