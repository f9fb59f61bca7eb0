import ArgumentParser
import Foundation
import Neurite

struct ExportTorch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-torch",
        abstract: "Write a saved model's parameters as a PyTorch state_dict and print the nn.Sequential it loads into.")

    @Argument(help: "A model saved by 'neurite train --output' or 'neurite import-torch', or an ONNX model (.onnx): ONNX to PyTorch in one step.")
    var model: String

    @Argument(help: "Where to write the state_dict (.safetensors).")
    var output: String

    func run() throws {
        try OutputProbe.check(output, option: nil, notOverwriting: [model])
        let saved = try SavedModel(path: model)
        let export = try saved.network().pyTorchExport(sampleShape: saved.inputShape)
        // "format: pt" is what safetensors.torch.save_file records.
        try Safetensors.write(export.stateDict, metadata: ["format": "pt"], to: URL(fileURLWithPath: output))
        print("wrote \(export.stateDict.count) tensors to \(output); in PyTorch:\n")
        print(export.moduleDefinition)
        print("""

            from safetensors.torch import load_file
            model.load_state_dict(load_file("\(output)"))
            model.eval()
            """)
    }
}
