import Foundation

/// A training run saved between epochs, enough to continue it exactly: the weights, the
/// optimizer's state (momentum, moment estimates), the random generators' state, the epoch and
/// the history.
///
/// A checkpoint is a directory:
///
///     checkpoint.json                 the manifest: epoch, seed, batch size, history, file names
///     epoch-3-model.safetensors       every parameter of the model, by path
///     epoch-3-optimizer.safetensors   the optimizer's state tensors
///
/// Each file is written to a temporary file and renamed into place, and the manifest is written
/// last: it is the commit point. A run killed at any moment leaves the previous manifest, which
/// names the previous epoch's files, intact; the files of older epochs are deleted only after
/// the new manifest is in place.
///
/// Resuming is exact because everything random in a run is derived from its seed and the epoch
/// number (each epoch's shuffle uses `seed + epoch`) or saved here (dropout's generators).
public struct Checkpoint: Sendable {
    /// The number of epochs completed.
    public let epoch: Int
    /// The run's seed.
    public let seed: UInt64
    /// The run's batch size.
    public let batchSize: Int
    /// The epochs completed, with their figures.
    public let history: History
    /// Every parameter of the model by path.
    public let modelState: [String: Tensor]
    /// The optimizer's state tensors (see ``Optimizer/stateTensors(for:)``).
    public let optimizerState: [String: Tensor]
    /// The state words of each random generator of the model (dropout), by layer path.
    public let randomState: [String: [UInt64]]

    /// The manifest's file name inside a checkpoint directory.
    public static let manifestName = "checkpoint.json"

    private struct Manifest: Codable {
        var format = 1
        let epoch: Int, seed: UInt64, batchSize: Int
        let model: String, optimizer: String
        let randomState: [String: [UInt64]]
        let history: History

        /// What makes the manifest unusable, if anything. The file names must be plain names:
        /// a manifest from elsewhere must not make the run read outside its checkpoint folder.
        var problem: String? {
            if format != 1 { return "format \(format) (this version reads format 1)" }
            if epoch < 0 { return "epoch \(epoch)" }
            if batchSize <= 0 { return "batch size \(batchSize)" }
            if history.epochs.count != epoch { return "a history of \(history.epochs.count) epochs for epoch \(epoch)" }
            for name in [model, optimizer] where name.contains("/") || name.hasPrefix(".") || name.isEmpty {
                return "file name '\(name.prefix(120))', expected a file in the checkpoint folder"
            }
            return nil
        }
    }

    /// Writes this checkpoint into `directory` (created if needed) as described above. A write
    /// that fails removes the files it created before the manifest named them.
    /// - Throws: ``SerializationError/unwritable(_:reason:)`` naming the file or folder that
    ///   cannot be written.
    public func write(to directory: URL) throws {
        let files = FileManager.default
        do { try files.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw SerializationError.unwritable(directory, reason: describeFileError(error))
        }
        let model = "epoch-\(epoch)-model.safetensors", optimizer = "epoch-\(epoch)-optimizer.safetensors"
        // A full disk failed the optimizer's file and left the new model's, 400 KB of a folder
        // that has no room, beside the previous checkpoint (which stays whole and committed).
        let created = [model, optimizer].map(directory.appendingPathComponent).filter { !files.fileExists(atPath: $0.path) }
        var committed = false
        defer {
            if !committed { for url in created { unlink(url.path) } }
        }
        try Safetensors.write(modelState.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, to: directory.appendingPathComponent(model))
        try Safetensors.write(optimizerState.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, to: directory.appendingPathComponent(optimizer))
        let manifest = Manifest(
            epoch: epoch, seed: seed, batchSize: batchSize, model: model, optimizer: optimizer, randomState: randomState, history: history)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // A temporary file synced and renamed over the old manifest: the commit point.
        try AtomicFile.write(encoder.encode(manifest), to: directory.appendingPathComponent(Checkpoint.manifestName))
        committed = true
        // unlink(2), not removeItem: a folder that happens to match is the user's, not a stale file.
        for name in (try? files.contentsOfDirectory(atPath: directory.path)) ?? []
        where name.hasPrefix("epoch-") && name.hasSuffix(".safetensors") && name != model && name != optimizer {
            unlink(directory.appendingPathComponent(name).path)
        }
    }

    /// The checkpoint committed in `directory`.
    /// - Throws: ``SerializationError`` naming the file that is missing or malformed.
    public static func read(from directory: URL) throws -> Checkpoint {
        let manifestURL = directory.appendingPathComponent(manifestName)
        guard let data = try? Data(contentsOf: manifestURL) else { throw SerializationError.unreadable(manifestURL, reason: "no checkpoint manifest there") }
        let manifest: Manifest
        do { manifest = try JSONDecoder().decode(Manifest.self, from: data) } catch {
            let reason = (error as? DecodingError)?.explanation(document: "the manifest") ?? "the manifest: \(error)"
            throw SerializationError.invalidCheckpoint(manifestURL, reason: reason)
        }
        if let problem = manifest.problem { throw SerializationError.invalidCheckpoint(manifestURL, reason: problem) }
        return Checkpoint(
            epoch: manifest.epoch, seed: manifest.seed, batchSize: manifest.batchSize, history: manifest.history,
            modelState: try finiteTensors(in: directory.appendingPathComponent(manifest.model)),
            optimizerState: try finiteTensors(in: directory.appendingPathComponent(manifest.optimizer)),
            randomState: manifest.randomState)
    }

    /// The tensors of a checkpoint's file, refused when one is not finite: saves refuse NaN, so
    /// one here is damage, and resuming from it would report a diverged loss one step later.
    private static func finiteTensors(in url: URL) throws -> [String: Tensor] {
        let tensors = try Safetensors.read(from: url).tensors
        if let bad = tensors.keys.sorted().first(where: { !tensors[$0]!.isFinite }) { throw SerializationError.nonFinite(url, tensor: bad) }
        return tensors
    }
}
