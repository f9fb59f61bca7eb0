import Foundation
import Testing
@testable import Neurite

/// The `fit` loop: it learns, stops early, guards against divergence and resumes exactly.
@Suite("fit")
struct FitTests {
    /// y = sin(x) on [−3, 3]: a signed regression with a linear head.
    static let wave: Dataset = {
        let x = try! Tensor(shape: [256, 1], scalars: (0..<256).map { -3 + 6 * Float($0) / 255 })
        return try! Dataset(inputs: x, targets: Tensor(shape: [256, 1], scalars: x.scalars.map { Foundation.sin($0) }))
    }()

    @Test func learnsARegressionToAFloor() throws {
        let model = Sequential { Dense(1, 32, activation: .tanh, seed: 1); Dense(32, 1, seed: 2) }
        let history = try model.fit(
            Self.wave, loss: .meanSquaredError, optimizer: SGD(learningRate: 0.05, momentum: 0.9), epochs: 60,
            batchSize: 32, validationSplit: 0.1, metrics: [.r2, .meanAbsoluteError], seed: 3)
        #expect(history.epochs.count == 60 && history.epochs.map(\.epoch) == Array(1...60))
        let last = try #require(history.last)
        #expect(last.validationMetrics["R²"]! > 0.95, "validation R² \(last.validationMetrics)")
        #expect(last.metrics["R²"]! > 0.95 && last.validationLoss! < history.validationLosses[0] / 10)
    }

    /// fit asks the optimizer how many buffers it keeps and refuses, before the first step, a run
    /// that cannot hold them (an optimizer claiming `Int.max` buffers per parameter stands in for
    /// a model too large to train; `checkTrainingFits` itself is tested with the optimizers).
    @Test func fitChecksThatTrainingFitsBeforeTheFirstStep() throws {
        struct Hoarding: Optimizer {
            var sgd = SGD(learningRate: 0.05)
            var learningRate: Float { get { sgd.learningRate } set { sgd.learningRate = newValue } }
            var buffersPerParameter: Int { .max }
            mutating func step(_ parameter: ParameterReference, gradient: Tensor) { sgd.step(parameter, gradient: gradient) }
            func stateTensors(for parameters: [(name: String, parameter: ParameterReference)]) -> [String: Tensor] { [:] }
            mutating func loadStateTensors(_ state: [String: Tensor], for parameters: [(name: String, parameter: ParameterReference)]) throws {}
        }
        let model = Sequential { Dense(1, 500, activation: .tanh, seed: 1); Dense(500, 1, seed: 2) }
        let before = model.state
        #expect {
            try model.fit(Self.wave, loss: .meanSquaredError, optimizer: Hoarding(), epochs: 1, seed: 1)
        } throws: { "\($0)".contains("training 1501 parameters (with their gradients and 4294967296 optimizer buffers each) needs 25.8 TB") }
        for (name, tensor) in model.state { #expect(tensor.scalars == before[name]!.scalars) }
    }

    /// `Int.max` epochs (train until a callback stops it) and a batch of `Int.max` samples (the
    /// whole set) each overflowed an `Int` and stopped the program (`--epochs` and
    /// `--batch-size 9223372036854775807`); with a cosine schedule, whose rate depends on the step and the run's length.
    @Test func theLargestEpochsAndBatchSizeTrain() throws {
        let model = Sequential { Dense(1, 8, activation: .tanh, seed: 1); Dense(8, 1, seed: 2) }
        let stop = EpochEndCallback { record, run in run.stopRequested = record.epoch == 3 }
        let history = try model.fit(
            Self.wave, loss: .meanSquaredError, optimizer: SGD(learningRate: 0.05), epochs: .max, batchSize: .max,
            callbacks: [stop], seed: 1, schedule: LearningRateSchedule(.cosine, per: .step))
        #expect(history.epochs.map(\.epoch) == [1, 2, 3])
        #expect(history.epochs[2].loss < history.epochs[0].loss)
    }

    @Test func earlyStoppingStopsOnAPlateauAndRestoresTheBestWeights() throws {
        // No later epoch can beat the first by minDelta = 100: a plateau from epoch 2 on.
        let model = Sequential { Dense(1, 8, activation: .tanh, seed: 1); Dense(8, 1, seed: 2) }
        var states: [Int: [String: Tensor]] = [:]
        let recorder = EpochEndCallback { record, run in states[record.epoch] = run.modelState }
        let stopping = EarlyStopping(patience: 2, minDelta: 100)
        let history = try model.fit(
            Self.wave, loss: .meanSquaredError, optimizer: SGD(learningRate: 0.05), epochs: 20, batchSize: 32,
            validationSplit: 0.2, callbacks: [recorder, stopping], seed: 1)
        #expect(history.epochs.count == 3 && stopping.stoppedEpoch == 3 && stopping.bestEpoch == 1)
        #expect(model.state == states[1]! && model.state != states[3]!)
    }

    @Test func earlyStoppingWaitsWhileTheLossImproves() throws {
        let model = Sequential { Dense(1, 8, activation: .tanh, seed: 1); Dense(8, 1, seed: 2) }
        let stopping = EarlyStopping(patience: 1, monitor: .loss)
        let history = try model.fit(Self.wave, loss: .meanSquaredError, optimizer: SGD(learningRate: 0.01), epochs: 5, callbacks: [stopping], seed: 1)
        #expect(history.epochs.count == 5 && stopping.stoppedEpoch == nil && stopping.bestEpoch == 5)
    }

    @Test func weightsThatOverflowStopTrainingNamingEpochAndBatch() throws {
        // The loss of the first batch is finite (about 10⁶); its update, at the largest Float
        // rate, overflows the weights, which the guard sees before another batch runs.
        let far = try Dataset(inputs: Self.wave.inputs, targets: Tensor.full([256, 1], 1000))
        let model = Sequential { Dense(1, 4, seed: 1); Dense(4, 1, seed: 2) }
        #expect {
            try model.fit(far, loss: .meanSquaredError, optimizer: SGD(learningRate: .greatestFiniteMagnitude), epochs: 2, seed: 1)
        } throws: { error in
            guard case .nonFinite(let message) = error as? TensorError else { return false }
            return message.contains("epoch 1, batch 1") && message.contains("layers.") && message.contains("update")
        }
    }

    @Test func resumingFromACheckpointIsBitIdenticalToAnUninterruptedRun() throws {
        func model() -> Sequential {
            Sequential { Dense(1, 16, activation: .relu, seed: 1); Dropout(0.2, seed: 9); Dense(16, 1, seed: 2) }
        }
        let optimizer = SGD(learningRate: 0.02, momentum: 0.9)
        let uninterrupted = model()
        let full = try uninterrupted.fit(Self.wave, loss: .huber(), optimizer: optimizer, epochs: 3, batchSize: 16, schedule: .cosine)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-fit-\(UUID().uuidString)")
        // The interrupted run: the same 3-epoch run, stopped after epoch 2's checkpoint.
        let interruption = EpochEndCallback { record, run in run.stopRequested = record.epoch == 2 }
        _ = try model().fit(Self.wave, loss: .huber(), optimizer: optimizer, epochs: 3, batchSize: 16,
                            callbacks: [Checkpointing(directory: directory), interruption], schedule: .cosine)
        let checkpoint = try Checkpoint.read(from: directory)
        #expect(checkpoint.epoch == 2 && checkpoint.history.epochs.count == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
                == ["checkpoint.json", "epoch-2-model.safetensors", "epoch-2-optimizer.safetensors"])

        let resumed = model()
        let history = try resumed.fit(Self.wave, loss: .huber(), optimizer: optimizer, epochs: 3, batchSize: 16,
                                      schedule: .cosine, resumingFrom: directory)
        #expect(resumed.state == uninterrupted.state)
        #expect(history.losses == full.losses)
        #expect(throws: TensorError.self) {
            try model().fit(Self.wave, loss: .huber(), optimizer: optimizer, epochs: 3, batchSize: 8, resumingFrom: directory)
        }
        // Another optimizer: SGD's momentum buffers are no state Adam keeps, and the message says
        // what to do rather than only which tensor it could not place.
        #expect {
            try model().fit(Self.wave, loss: .huber(), optimizer: Adam(), epochs: 3, batchSize: 16, resumingFrom: directory)
        } throws: { error in
            "\(error)".contains("holds optimizer state this run's optimizer cannot take (Adam keeps no state named")
                && "\(error)".hasSuffix("resume with the optimizer of the run that wrote it")
        }
    }
}
