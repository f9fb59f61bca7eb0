import Foundation
import Testing
@testable import Neurite

/// The communicator without MPI, and the arithmetic of data-parallel steps that does not need
/// MPI to check (the multi-rank run itself is scripts/test_mpi.sh, under mpirun).
@Suite("communicator")
struct CommunicatorTests {
    @Test func singleProcessIsRankZeroOfOneAndLeavesBuffersAlone() throws {
        let communicator = Communicator.singleProcess
        #expect(communicator.rank == 0 && communicator.size == 1 && communicator.isLeader)
        var values: [Float] = [1, -2, 3.5]
        try communicator.allReduceSum(&values)
        try communicator.allReduceMean(&values)
        try communicator.broadcast(&values, from: 0)
        try communicator.barrier()
        #expect(values == [1, -2, 3.5])
        #expect(throws: CommunicatorError.self) { try communicator.broadcast(&values, from: 1) }
        if ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"] == nil {
            #expect(try Communicator.fromEnvironment() === Communicator.singleProcess)
        }
    }

    @Test func shardsAreDisjointAndCoverTheBatch() throws {
        let data = try Dataset(inputs: .zeros([7, 1]), labels: Array(repeating: 0, count: 7))
        let batch = data.batches(size: 7, shuffled: true, seed: 5)[0]
        let shards = (0..<3).map { DataParallel.shard(of: batch, rank: $0, size: 3).indices }
        #expect(shards.map(\.count) == [3, 2, 2])
        #expect(shards.flatMap { $0 }.sorted() == batch.indices.sorted())
    }

    /// Shards of 3 and 2 samples, each weighted by its share: their sum (what the allreduce
    /// computes) is the gradient and mean loss of the whole batch of 5.
    @Test func weightedShardGradientsSumToTheWholeBatchGradient() throws {
        let model = Sequential { Dense(3, 4, activation: .tanh, seed: 1); Dense(4, 2, seed: 2) }
        let data = try Dataset(inputs: .randomUniform([5, 3], from: -1, to: 1, seed: 3), labels: [0, 1, 1, 0, 1])
        let whole = data.batches(size: 5)[0]
        let parameters = model.namedParameters.filter { $0.parameter.isTrainable }
        func step(_ batch: Batch) throws -> (Tensor, Gradients) {
            try valueWithGradient(of: model) { try Loss.crossEntropy($0(batch.inputs), batch.targets) }
        }
        let (wholeLoss, wholeGradients) = try step(whole)
        var summed: [Float] = [], lossSum: Float = 0
        for rank in 0..<2 {
            let shard = DataParallel.shard(of: whole, rank: rank, size: 2)
            let (loss, gradients) = try step(shard)
            let combined = try DataParallel.combine(
                gradients, loss: loss.scalar, localCount: shard.count, globalCount: whole.count, stopRequested: false,
                parameters: parameters, over: .singleProcess)
            let flat = combined.gradients.entries.flatMap(\.gradient.scalars)
            summed = summed.isEmpty ? flat : zip(summed, flat).map(+)
            lossSum += combined.loss
        }
        let expected = wholeGradients.entries.flatMap(\.gradient.scalars)
        #expect(summed.count == expected.count)
        #expect(zip(summed, expected).allSatisfy { abs($0 - $1) <= 1e-6 })
        #expect(abs(lossSum - wholeLoss.scalar) <= 1e-6)
    }
}
