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
}
