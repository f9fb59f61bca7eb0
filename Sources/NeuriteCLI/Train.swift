import ArgumentParser

/// `neurite train <dataset>`: one subcommand per kind of data, sharing ``TrainingOptions``.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a network and report loss and metrics per epoch.",
        subcommands: [TrainMNIST.self, TrainCSV.self, TrainText.self])
}
