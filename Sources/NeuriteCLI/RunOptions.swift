import ArgumentParser
import Foundation
import Neurite

/// The options that control a training run beyond its steps, shared by every `neurite train`
/// subcommand (mnist, csv, text): validation, early stopping, checkpoints and resuming.
struct RunOptions: ParsableArguments {
    @Option(help: "Hold out this fraction of the data (images and tables: samples drawn with --seed; text: its end) and report loss and metrics on it after each epoch.")
    var validationSplit: Double?

    @Option(help: "Stop when the validation loss (the training loss without --validation-split) has not improved for this many epochs, and keep the best epoch's weights.")
    var earlyStopping: Int?

    @Option(help: "Write a checkpoint (weights, optimizer and random state, history) to this directory after every epoch.")
    var checkpoint: String?

    @Option(help: "Continue the run saved in this checkpoint directory (same options and seed as the run that wrote it).")
    var resume: String?

    func validate() throws {
        if let validationSplit, !(validationSplit > 0 && validationSplit < 1) {
            throw ValidationError("--validation-split must be between 0 and 1, e.g. 0.1")
        }
        if let earlyStopping, earlyStopping < 1 { throw ValidationError("--early-stopping needs a patience of at least 1 epoch") }
    }

    /// The callbacks these options ask for: early stopping and checkpoints.
    var callbacks: [any TrainingCallback] {
        var callbacks: [any TrainingCallback] = []
        if let earlyStopping { callbacks.append(EarlyStopping(patience: earlyStopping)) }
        if let checkpoint { callbacks.append(Checkpointing(directory: URL(fileURLWithPath: checkpoint, isDirectory: true))) }
        return callbacks
    }

    /// The checkpoint directory to resume from, if any.
    var resumeDirectory: URL? { resume.map { URL(fileURLWithPath: $0, isDirectory: true) } }
}
