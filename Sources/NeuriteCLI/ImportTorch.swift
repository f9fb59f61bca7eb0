import ArgumentParser
import Foundation
import Neurite

struct ImportTorch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-torch",
        abstract: "Make a Neurite model file from a PyTorch state_dict saved with safetensors.torch.save_file.",
        discussion: """
            The n-th PyTorch module with parameters (names in natural order: 0, 1, …, 10 or conv1, \
            conv2, fc1, …) goes to the n-th dense, conv or batchnorm layer of --model. Linear weights \
            are transposed to Dense's [in, out] layout.
            """)

    @Argument(help: "The state_dict (.safetensors, F32).")
    var stateDict: String

    @Option(help: "The architecture it fits, e.g. \"dense(128, relu) dense(10)\", lenet (LeNet-5), or the name of a file holding one.")
    var model: String

    @Option(help: "The shape of one input sample, comma-separated.")
    var inputShape: String = "784"

    @Option(help: "Where to write the Neurite model (what 'neurite evaluate' reads).")
    var output: String

    func run() throws {
        try OutputProbe.check(output, notOverwriting: [stateDict, model])
        let architecture = try ArchitectureArgument.parse(model)
        let shape = try SavedModel.shape(inputShape)
        let network = try architecture.build(inputShape: shape, seed: 0)
        let (tensors, _) = try Safetensors.read(from: URL(fileURLWithPath: stateDict))
        do { try network.loadPyTorchStateDict(tensors) } catch let error as InteropError {
            throw CommandLineError(subject: stateDict, message: "\(error)")
        }
        try SavedModel.save(network, architecture: architecture, inputShape: shape, to: output)
        print("model: \(architecture)  (\(network.parameterCount) parameters) from \(tensors.count) PyTorch tensors")
        print("saved \(output)")
    }
}
