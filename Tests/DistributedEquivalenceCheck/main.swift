import Foundation
import Neurite

// Run by scripts/test_mpi.sh under `mpirun -np N`: trains a small MLP data-parallel for 20 steps
// of global batch 64 and checks (1) after every step, that every rank holds rank 0's weights
// exactly, and (2) at the end, that the weights are within 1e-5 of one process trained alone
// with batch 64 from the same seed (which every rank also computes, on its own). Exits 1 when a
// check fails; rank 0 prints the figures.
let communicator: Communicator
do { communicator = try Communicator.fromEnvironment() } catch {
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

func trained(over communicator: Communicator, modelSeed seed: UInt64, callbacks: [any TrainingCallback]) throws -> [Float] {
    let inputs = Tensor.randomUniform([steps * batchSize, 12], from: -1, to: 1, seed: 7)
    let labels = (0..<(steps * batchSize)).map { ($0 * 7919) % 4 }
    let data = try Dataset(inputs: inputs, labels: labels)
    let model = Sequential { Dense(12, 16, activation: .relu, seed: seed); Dense(16, 4, seed: seed + 1) }
    try model.fit(data, loss: .crossEntropy, optimizer: Adam(learningRate: 0.01), epochs: 1, batchSize: batchSize,
                  metrics: [.accuracy], callbacks: callbacks, seed: 3, communicator: communicator)
    return flattened(model.state)
}

do {
    let agreement = RankAgreement(communicator)
    // Each rank's model starts from other weights: the broadcast at the start must fix that.
    let distributed = try trained(over: communicator, modelSeed: UInt64(1 + 100 * communicator.rank), callbacks: [agreement])
    let alone = try trained(over: .singleProcess, modelSeed: 1, callbacks: [])
    var worst = [largestDistance(distributed, alone), agreement.largestDifference]
    try communicator.allReduceSum(&worst)  // a bound over the ranks: both are ≥ 0
    if communicator.isLeader {
        print("ranks \(communicator.size), \(steps) steps of global batch \(batchSize), \(distributed.count) weights")
        print("max |weight difference| vs 1 process: \(worst[0]) (summed over ranks; tolerance \(tolerance))")
        print("max |weight difference| across ranks, after every step: \(worst[1])")
    }
    // A figure for docs/scaling.md, not a check: one allreduce of the MNIST MLP's gradients
    // (101,770 floats, 407 KB), the cost each training step adds.
    var gradients = [Float](repeating: 1, count: 101_770)
    try communicator.barrier()
    let started = ContinuousClock.now
    for _ in 0..<100 { try communicator.allReduceSum(&gradients) }
    let elapsed = (ContinuousClock.now - started) / 100
    if communicator.isLeader { print("allreduce of 101,770 floats (407 KB): \(elapsed) each, mean of 100") }
    let passed = worst[0] <= tolerance && worst[1] == 0 && communicator.size > 1
    if communicator.isLeader { print(passed ? "PASS" : "FAIL") }
    exit(passed ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data("rank \(communicator.rank): \(error)\n".utf8))
    communicator.abort(code: 1)
}
