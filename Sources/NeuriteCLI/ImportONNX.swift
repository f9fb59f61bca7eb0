import ArgumentParser
import Neurite

struct ImportONNX: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-onnx",
        abstract: "Make a Neurite model file from an ONNX model (a chain of Gemm/MatMul, Conv, BatchNormalization, activations, pooling, Flatten, Reshape).",
        discussion: """
            The graph must run its nodes one after another, as torch.onnx.export writes an \
            nn.Sequential; its input [batch, …] gives the model's input shape. The architecture \
            it amounts to is printed and saved with the weights.
            """)

    @Argument(help: "The ONNX model (.onnx), weights inside the file.")
    var model: String

    @Option(help: "Where to write the Neurite model (what 'neurite evaluate' reads).")
    var output: String

    func run() throws {
        try OutputProbe.check(output, notOverwriting: [model])
        let imported = try SavedModel.importONNX(model)
        try SavedModel.save(imported.model, architecture: imported.architecture, inputShape: imported.sampleShape, to: output)
        let shape = imported.sampleShape.map(String.init).joined(separator: ",")
        print("model: \(imported.architecture)  (\(imported.model.parameterCount) parameters), input shape \(shape)")
        print("saved \(output)")
    }
}
