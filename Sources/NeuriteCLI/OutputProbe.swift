import Foundation
import Neurite

/// Checks made before training, so that a run of hours cannot end with nowhere to put its result.
enum OutputProbe {
    /// Checks that `output` is none of the files the command reads (`inputs`, through links) and
    /// can be written, by creating and removing a temporary file in its folder
    /// (``AtomicFile/checkWritable(_:)``): the folder exists and is writable, and the path is not
    /// a folder. `neurite export-onnx m.safetensors m.safetensors` replaced the model it read with
    /// its ONNX file; `train csv data.csv --output data.csv` would have replaced the table.
    /// - Parameter option: the option that gave `output`, which errors name; `nil` for an argument.
    static func check(_ output: String?, option: String? = "--output", notOverwriting inputs: [String] = []) throws {
        guard let output else { return }
        if let input = inputs.first(where: { sameFile(output, $0) }) {
            throw CommandLineError(
                subject: option ?? output,
                message: "expected a file other than the input \(input), found the same file (writing it would replace what this command reads)")
        }
        do { try AtomicFile.checkWritable(URL(fileURLWithPath: output)) } catch let error as SerializationError {
            guard let option else { throw error }  // its message starts with the path already
            throw CommandLineError(subject: option, message: "\(error)")
        }
    }

    /// Refuses, before training, an `--output` whose file system cannot hold the model now (its
    /// weights alone, 4 bytes a parameter): on a full disk, `train mnist` trained, then failed
    /// to save, and the run was lost.
    static func checkRoom(_ output: String?, parameters: Int) throws {
        guard let output else { return }
        let (bytes, overflow) = parameters.multipliedReportingOverflow(by: MemoryLayout<Float>.size)
        do { try AtomicFile.checkRoom(for: overflow ? .max : bytes, at: URL(fileURLWithPath: output)) } catch let error as SerializationError {
            throw CommandLineError(subject: "--output", message: "\(error)")
        }
    }

    /// Checks that `folder` can take the files a command writes there later (`--plots` after
    /// training, `--checkpoint` after the first epoch, `lab --output` after its experiments):
    /// creates it as the command would, and probes it with a temporary file. `train mnist
    /// --plots /dev/null/x` trained, then failed.
    static func checkFolder(_ folder: String?, option: String) throws {
        guard let folder else { return }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), !isFolder.boolValue {
            throw CommandLineError(subject: option, message: "expected a folder, found a file \(folder)")
        }
        let url = URL(fileURLWithPath: folder, isDirectory: true)
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw CommandLineError(subject: option, message: "\(folder): cannot be created, \(describeFileError(error))")
        }
        do { try AtomicFile.checkWritable(url.appendingPathComponent("probe")) } catch let error as SerializationError {
            throw CommandLineError(subject: option, message: "\(error)")
        }
    }

    /// Whether `first` and `second` name one existing file, by device and inode after links.
    private static func sameFile(_ first: String, _ second: String) -> Bool {
        var a = stat(), b = stat()
        guard stat(first, &a) == 0, stat(second, &b) == 0 else { return false }
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino
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
