import Foundation
import Testing
@testable import Neurite

/// When ``Checkpointing`` writes, and that a diverging run leaves the last good checkpoint.
@Suite("Checkpointing")
struct CheckpointingTests {
    static func directory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("neurite-checkpoint-\(UUID().uuidString)")
    }

    /// The epoch of the committed checkpoint after each epoch of a run with `checkpointing`.
    static func committedEpochs(_ checkpointing: Checkpointing, epochs: Int) throws -> [Int?] {
        var committed: [Int?] = []
        let watcher = EpochEndCallback { _, _ in committed.append(try? Checkpoint.read(from: checkpointing.directory).epoch) }
        let model = Sequential { Dense(1, 8, activation: .tanh, seed: 1); Dense(8, 1, seed: 2) }
        try model.fit(FitTests.wave, loss: .meanSquaredError, optimizer: SGD(learningRate: 0.05), epochs: epochs,
                      callbacks: [checkpointing, watcher], seed: 1)
        return committed
    }

    @Test func writesEveryNEpochsAndAfterTheLast() throws {
        #expect(try Self.committedEpochs(Checkpointing(directory: Self.directory(), every: 2), epochs: 5) == [nil, 2, 2, 4, 5])
    }

    @Test func writesOnlyWhenTheMonitoredFigureImproves() throws {
        // The training loss falls every epoch here, so every epoch is the best so far.
        #expect(try Self.committedEpochs(Checkpointing(directory: Self.directory(), best: .loss), epochs: 3) == [1, 2, 3])
        // Watching a figure the run does not measure is an error, not a checkpoint that never comes.
        let unmeasured = Checkpointing(directory: Self.directory(), best: .validationMetric("MSE", higherIsBetter: false))
        #expect(throws: TensorError.self) { try Self.committedEpochs(unmeasured, epochs: 2) }
    }

    /// A second run writing checkpoints into a folder while one trains there is stopped at its
    /// start, and the folder is free again when the first ends, or when its callback is released
    /// after a run that threw. No lock file is added to the folder.
    @Test func oneRunAtATimeWritesIntoAFolder() throws {
        let directory = Self.directory()
        var secondRun: (any Error)?
        let intruder = EpochEndCallback { record, _ in
            guard record.epoch == 1 else { return }
            do { _ = try Self.committedEpochs(Checkpointing(directory: directory), epochs: 1) } catch { secondRun = error }
        }
        let model = Sequential { Dense(1, 8, activation: .tanh, seed: 1); Dense(8, 1, seed: 2) }
        try model.fit(FitTests.wave, loss: .meanSquaredError, optimizer: SGD(learningRate: 0.05), epochs: 2,
                      callbacks: [Checkpointing(directory: directory), intruder], seed: 1)
        let message = "\(try #require(secondRun))"
        #expect(message == "\(directory.path): cannot be written, another training run is writing its checkpoints there (two runs in one folder would delete each other's)")
        #expect(try Checkpoint.read(from: directory).epoch == 2)
        #expect(try Self.committedEpochs(Checkpointing(directory: directory), epochs: 1) == [1])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
                == ["checkpoint.json", "epoch-1-model.safetensors", "epoch-1-optimizer.safetensors"])
        // A run that throws holds the lock until its callback goes.
        do {
            let held = Checkpointing(directory: directory)
            #expect(throws: TensorError.self) {
                try model.fit(FitTests.wave, loss: .meanSquaredError, optimizer: SGD(learningRate: 0.05), epochs: 1,
                              callbacks: [held, EpochEndCallback { _, _ in throw TensorError.invalidArgument("stop") }], seed: 1)
            }
            withExtendedLifetime(held) {
                #expect(throws: SerializationError.self) { try Self.committedEpochs(Checkpointing(directory: directory), epochs: 1) }
            }
        }
        #expect(try Self.committedEpochs(Checkpointing(directory: directory), epochs: 1) == [1])
    }

    @Test func aDivergingRunLeavesTheLastGoodCheckpoint() throws {
        let directory = Self.directory()
        let model = Sequential { Dense(1, 8, activation: .tanh, seed: 1); Dense(8, 1, seed: 2) }
        // After epoch 1's checkpoint, a weight is blown up: epoch 2's first loss is infinite.
        let sabotage = EpochEndCallback { record, run in
            var state = run.modelState
            state["layers.1.bias"] = Tensor([.greatestFiniteMagnitude])
            if record.epoch == 1 { try run.loadModelState(state) }
        }
        #expect {
            try model.fit(FitTests.wave, loss: .meanSquaredError, optimizer: SGD(learningRate: 0.05), epochs: 3,
                          callbacks: [Checkpointing(directory: directory), sabotage], seed: 1)
        } throws: { error in "\(error)".contains("epoch 2, batch 1") }
        let saved = try Checkpoint.read(from: directory)
        #expect(saved.epoch == 1 && saved.modelState.values.allSatisfy(\.isFinite))
    }

    /// A checkpoint that cannot be resumed says why: the manifest's field that is wrong and how
    /// (never naming a file outside its folder to be read), or the file and tensor that is not finite.
    @Test func aCheckpointThatCannotBeResumedSaysWhy() throws {
        let directory = Self.directory()
        _ = try Self.committedEpochs(Checkpointing(directory: directory), epochs: 1)
        let manifest = directory.appendingPathComponent(Checkpoint.manifestName)
        let original = try String(contentsOf: manifest, encoding: .utf8)
        for (from, to, reason) in [
            (#""epoch" : 1"#, #""epoch" : -3"#, "epoch -3"),
            (#""epoch" : 1"#, #""epoch" : 2"#, "a history of 1 epochs for epoch 2"),
            (#""format" : 1"#, #""format" : 2"#, "format 2 (this version reads format 1)"),
            (#""model" : "epoch-1-model.safetensors""#, #""model" : "..\/..\/etc\/passwd""#,
             "file name '../../etc/passwd', expected a file in the checkpoint folder"),
            (#""seed" : 1"#, #""seed" : "x""#, "seed: expected UInt64"),
            (#""seed" : 1"#, #""seed" : -1"#, "the manifest: not valid JSON, or a number that does not fit its field"),
            (#""loss" : "#, #""loss" : null, "was" : "#, "history.epochs[0].loss: expected Double, got null"),
        ] {
            #expect(original.contains(from), "\(from)")
            try original.replacingOccurrences(of: from, with: to).write(to: manifest, atomically: true, encoding: .utf8)
            #expect { try Checkpoint.read(from: directory) } throws: { error in
                "\(error)".hasPrefix("\(manifest.path): not a checkpoint this version can resume, \(reason)")
            }
        }
        // A weight damaged to NaN is named with its file, not found a step later as a NaN loss.
        try original.write(to: manifest, atomically: true, encoding: .utf8)
        let weights = directory.appendingPathComponent("epoch-1-model.safetensors")
        var state = try Safetensors.read(from: weights).tensors
        #expect(try Checkpoint.read(from: directory).epoch == 1)
        // The writer refuses NaN: write a marker value and overwrite its bytes.
        let marker: Float = 12345.678
        state["layers.1.bias"] = Tensor([marker])
        try Safetensors.write(state.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, to: weights)
        var bytes = try Data(contentsOf: weights)
        let markerBytes = withUnsafeBytes(of: marker.bitPattern.littleEndian) { Data($0) }
        let at = try #require(bytes.range(of: markerBytes))
        bytes.replaceSubrange(at, with: withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { Data($0) })
        try bytes.write(to: weights)
        #expect(throws: SerializationError.nonFinite(weights, tensor: "layers.1.bias")) { try Checkpoint.read(from: directory) }
    }

    /// A checkpoint that cannot be written (a full disk; here a folder where the optimizer's file
    /// goes) stops the run with the file named, leaves the previous checkpoint committed, and
    /// removes the new model file it had written, which no manifest names.
    @Test func aFailedWriteLeavesThePreviousCheckpointAndNoStrayFile() throws {
        let directory = Self.directory()
        let obstacle = EpochEndCallback { record, _ in
            guard record.epoch == 1 else { return }
            try FileManager.default.createDirectory(at: directory.appendingPathComponent("epoch-2-optimizer.safetensors"), withIntermediateDirectories: false)
        }
        let model = Sequential { Dense(1, 8, activation: .tanh, seed: 1); Dense(8, 1, seed: 2) }
        #expect {
            try model.fit(FitTests.wave, loss: .meanSquaredError, optimizer: SGD(learningRate: 0.05), epochs: 3,
                          callbacks: [Checkpointing(directory: directory), obstacle], seed: 1)
        } throws: { error in
            guard case SerializationError.unwritable(let url, _) = error else { return false }
            return url.lastPathComponent == "epoch-2-optimizer.safetensors"
        }
        #expect(try Checkpoint.read(from: directory).epoch == 1)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(names == ["checkpoint.json", "epoch-1-model.safetensors", "epoch-1-optimizer.safetensors", "epoch-2-optimizer.safetensors"])
        // A folder that cannot be made is named with the reason, not as `NSCocoaErrorDomain Code=512`.
        let file = directory.appendingPathComponent("checkpoint.json")
        #expect(throws: SerializationError.unwritable(file.appendingPathComponent("inner"), reason: "not a directory")) {
            try Checkpoint.read(from: directory).write(to: file.appendingPathComponent("inner"))
        }
    }
}
