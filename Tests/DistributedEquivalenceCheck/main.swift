import Foundation
import Neurite

// Run by scripts/test_mpi.sh under `mpirun -np N`: trains two small models data-parallel (an MLP,
// and one with batch norm, whose statistics are taken over the global batch) for 20 steps of
// global batch 64 and checks, for each, (1) after every step, that every rank holds rank 0's
// weights exactly, (2) at the end, that the weights (batch norm's running statistics included)
// are within 1e-5 of one process trained alone with batch 64 from the same seed, which every rank
// also computes, on its own, and (3) that the epoch's loss and accuracy, combined over the ranks,
// are those of the process alone. Gradient buckets of 256 bytes make each step start several
// allreduces during the backward pass. Exits 1 when a check fails; rank 0 prints the figures.
//
// With the argument `until-killed` it only trains, step after step, after writing its process id
// to $NEURITE_PID_DIRECTORY/rank-N.pid: the test script kills (or stops) one rank and checks
// that the job ends. $NEURITE_COLLECTIVE_TIMEOUT: the collective timeout, 60 s unless set.
let communicator: Communicator
let timeout = ProcessInfo.processInfo.environment["NEURITE_COLLECTIVE_TIMEOUT"].flatMap(Double.init) ?? 60
do { communicator = try Communicator.fromEnvironment(collectiveTimeout: timeout, bucketCapacity: 256) } catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(2)
}
let steps = 20, batchSize = 64, tolerance: Float = 1e-5

/// The largest |difference| between this rank's weights and rank 0's, after each step.
final class RankAgreement: TrainingCallback {
    let communicator: Communicator
    var largestDifference: Float = 0
    init(_ communicator: Communicator) { self.communicator = communicator }
    func batchEnded(samplesDone: Int, run: TrainingRun) {
        let mine = flattened(run.modelState)
        var leaders = mine
        do { try communicator.broadcast(&leaders, from: 0) } catch { communicator.abort(code: 3) }
        largestDifference = max(largestDifference, largestDistance(mine, leaders))
    }
}

func flattened(_ state: [String: Tensor]) -> [Float] { state.keys.sorted().flatMap { state[$0]!.scalars } }
func largestDistance(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).map { abs($0 - $1) }.max() ?? 0 }

func model(seed: UInt64, batchNorm: Bool) -> Sequential {
    batchNorm
        // No bias before batch norm: its gradient is 0 up to rounding, which Adam would scale
        // up into steps as large as any other, so the bias would follow rounding noise.
        ? Sequential { Dense(12, 16, useBias: false, seed: seed); BatchNorm(16); Dense(16, 4, seed: seed + 1) }
        : Sequential { Dense(12, 16, activation: .relu, seed: seed); Dense(16, 4, seed: seed + 1) }
}

func trained(_ model: Sequential, over communicator: Communicator, steps: Int, callbacks: [any TrainingCallback]) throws -> (weights: [Float], epoch: History.Epoch) {
    let inputs = Tensor.randomUniform([steps * batchSize, 12], from: -1, to: 1, seed: 7)
    let labels = (0..<(steps * batchSize)).map { ($0 * 7919) % 4 }
    let data = try Dataset(inputs: inputs, labels: labels)
    let history = try model.fit(data, loss: .crossEntropy, optimizer: Adam(learningRate: 0.01), epochs: 1, batchSize: batchSize,
                                metrics: [.accuracy], callbacks: callbacks, seed: 3, communicator: communicator)
    return (flattened(model.state), history.epochs[0])
}

if CommandLine.arguments.dropFirst().first == "until-killed" {
    let directory = ProcessInfo.processInfo.environment["NEURITE_PID_DIRECTORY"] ?? "."
    try? "\(getpid())\n".write(toFile: "\(directory)/rank-\(communicator.rank).pid", atomically: true, encoding: .utf8)
    do { while true { _ = try trained(model(seed: 1, batchNorm: true), over: communicator, steps: 200, callbacks: []) } } catch {
        communicator.abort(code: 1)
    }
}

do {
    var passed = communicator.size > 1
    for batchNorm in [false, true] {
        let agreement = RankAgreement(communicator)
        // Each rank's model starts from other weights: the broadcast at the start must fix that.
        let distributed = try trained(model(seed: UInt64(1 + 100 * communicator.rank), batchNorm: batchNorm), over: communicator,
                                      steps: steps, callbacks: [agreement])
        let alone = try trained(model(seed: 1, batchNorm: batchNorm), over: .singleProcess, steps: steps, callbacks: [])
        let lossDifference = Float(abs(distributed.epoch.loss - alone.epoch.loss))
        let accuracyDifference = Float(abs((distributed.epoch.metrics["accuracy"] ?? -1) - (alone.epoch.metrics["accuracy"] ?? -2)))
        var worst = [largestDistance(distributed.weights, alone.weights), agreement.largestDifference, lossDifference, accuracyDifference]
        try communicator.allReduceSum(&worst)  // bounds over the ranks: all are ≥ 0
        let name = batchNorm ? "MLP with batch norm" : "MLP"
        if communicator.isLeader {
            print("\(name): ranks \(communicator.size), \(steps) steps of global batch \(batchSize), \(distributed.weights.count) weights and statistics")
            print("  max |weight difference| vs 1 process: \(worst[0]) (summed over ranks; tolerance \(tolerance))")
            print("  max |weight difference| across ranks, after every step: \(worst[1])")
            print("  epoch loss and accuracy vs 1 process: |Δ| \(worst[2]) and \(worst[3]) (summed over ranks)")
        }
        // One sample of 1,280 is 7.8e-4 of accuracy: the accuracies must agree to the sample.
        passed = passed && worst[0] <= tolerance && worst[1] == 0 && worst[2] <= 1e-4 && worst[3] < 5e-4
    }
    // A figure for docs/scaling.md, not a check: one allreduce of the MNIST MLP's gradients
    // (101,770 floats, 407 KB), the cost each training step adds.
    var gradients = [Float](repeating: 1, count: 101_770)
    try communicator.barrier()
    let started = ContinuousClock.now
    for _ in 0..<100 { try communicator.allReduceSum(&gradients) }
    let elapsed = (ContinuousClock.now - started) / 100
    if communicator.isLeader { print("allreduce of 101,770 floats (407 KB): \(elapsed) each, mean of 100") }
    if communicator.isLeader { print(passed ? "PASS" : "FAIL") }
    exit(passed ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data("rank \(communicator.rank): \(error)\n".utf8))
    communicator.abort(code: 1)
}
