import ArgumentParser
import Neurite

@main
struct NeuriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neurite",
        abstract: "Build, train and inspect neural networks.",
        subcommands: [Train.self, Evaluate.self, Bench.self, LabCommand.self]
    )
}
