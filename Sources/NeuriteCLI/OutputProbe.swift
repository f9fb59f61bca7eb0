import Foundation
import Neurite

/// Checks made before training, so that a run of hours cannot end with nowhere to put its result.
enum OutputProbe {
    /// Checks that `--output` can be written, by creating and removing a temporary file in its
    /// folder (``AtomicFile/checkWritable(_:)``): the folder exists and is writable, and the path
    /// is not a folder.
    static func check(_ output: String?) throws {
        guard let output else { return }
        do { try AtomicFile.checkWritable(URL(fileURLWithPath: output)) } catch let error as SerializationError {
            throw CommandLineError(subject: "--output", message: "\(error)")
        }
    }

    /// Refuses to save a model whose loss on the first test samples is not finite: weights can
    /// be huge yet finite after a diverged step (4e29 after one step at learning rate 1e30),
    /// and saving them would replace a good model by garbage.
    static func checkFinite(_ network: some Layer, on test: Dataset) throws {
        let sample = test.prefix(256)
        let loss = try crossEntropy(logits: network.predict(sample.inputs), labels: sample.labels).scalar
        guard loss.isFinite else {
            throw CommandLineError(
                subject: "--output",
                message: "expected a trained model with a finite loss, found loss \(loss) on the test set (training diverged; try a lower --learning-rate); nothing was saved")
        }
    }

    /// After a run ended by Ctrl-C or SIGTERM: says so, and fails the command (exit status 1), so
    /// that scripts do not mistake the partial run for a finished one.
    static func finishIfStopped(epoch: Int, of epochs: Int, saved output: String?) throws {
        guard let reason = StopRequest.reason else { return }
        let saved = output.map { "; saved the model as it was after the last whole step to \($0)" } ?? ""
        throw CommandLineError(subject: "training", message: "expected \(epochs) epochs, stopped by \(reason) during epoch \(epoch)\(saved)")
    }
}
