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

    /// Shards of 3 and 2 samples, each weighted by its share in the gradient buckets: their sum
    /// (what the allreduce computes) is the gradient and mean loss of the whole batch of 5.
    /// Buckets of 32 bytes put each parameter in a bucket of its own.
    @Test func weightedShardGradientsSumToTheWholeBatchGradient() throws {
        let model = Sequential { Dense(3, 4, activation: .tanh, seed: 1); Dense(4, 2, seed: 2) }
        let data = try Dataset(inputs: .randomUniform([5, 3], from: -1, to: 1, seed: 3), labels: [0, 1, 1, 0, 1])
        let whole = data.batches(size: 5)[0]
        let parameters = model.namedParameters.filter { $0.parameter.isTrainable }
        let buckets = GradientBuckets(parameters: parameters, capacity: 32, over: .singleProcess)
        #expect(buckets.count == 4)
        let (wholeLoss, wholeGradients) = try valueWithGradient(of: model) { try Loss.crossEntropy($0(whole.inputs), whole.targets) }
        var summed: [Float] = [], lossSum: Float = 0
        for rank in 0..<2 {
            let shard = DataParallel.shard(of: whole, rank: rank, size: 2)
            buckets.beginStep(localCount: shard.count, globalCount: whole.count, stopRequested: rank == 1)
            _ = try valueWithGradient(of: model, parameters: parameters, { model in
                let loss = try Loss.crossEntropy(model(shard.inputs), shard.targets)
                buckets.setLoss(loss.scalar)
                return loss
            }, whenComplete: buckets.gradientCompleted)
            let combined = try buckets.finishStep()
            #expect(combined.stopRequested == (rank == 1))
            let flat = combined.gradients.entries.flatMap(\.gradient.scalars)
            summed = summed.isEmpty ? flat : zip(summed, flat).map(+)
            lossSum += combined.loss
        }
        let expected = wholeGradients.entries.flatMap(\.gradient.scalars)
        #expect(summed.count == expected.count)
        #expect(zip(summed, expected).allSatisfy { abs($0 - $1) <= 1e-6 })
        #expect(abs(lossSum - wholeLoss.scalar) <= 1e-6)
    }

    /// The backward pass reports each parameter's gradient once, final, and the last layer's
    /// before the first layer's: what lets its bucket's allreduce start early.
    @Test func gradientsAreReportedWhenCompleteLastLayerFirst() throws {
        let model = Sequential { Dense(3, 4, activation: .relu, seed: 1); Dense(4, 4, activation: .tanh, seed: 2); Dense(4, 2, seed: 3) }
        let inputs = Tensor.randomUniform([6, 3], from: -1, to: 1, seed: 4)
        var reported: [(index: Int, gradient: Tensor)] = []
        let (_, gradients) = try valueWithGradient(of: model, parameters: model.namedParameters.filter { $0.parameter.isTrainable }, { model in
            // The first weight is used twice: its gradient is complete only after both uses.
            try Loss.meanSquaredError(model(inputs) + model(inputs), .zeros([6, 2]))
        }, whenComplete: { reported.append(($0, $1)) })
        #expect(reported.map(\.index).sorted() == Array(0..<6))
        #expect(reported.first.map { $0.index >= 4 } == true && reported.last.map { $0.index <= 1 } == true)
        for (index, gradient) in reported { #expect(gradient.scalars == gradients.entries[index].gradient.scalars) }
    }

    /// Predictions gathered from the ranks come back in sample order, with their samples.
    @Test func gatheredPredictionsAreInSampleOrder() throws {
        let gathered = try DataParallel.gather(predictions: [0.3, 0.7, 0.9, 0.1], of: [4, 1], width: 2, datasetCount: 6, over: .singleProcess)
        #expect(gathered.samples == [1, 4] && gathered.width == 2)
        #expect(gathered.predictions == [0.9, 0.1, 0.3, 0.7])
    }

    /// With one rank, batch norm's statistics "over all ranks" (Chan's formula, gradient sums
    /// weighted by the share) are the batch's own: the same outputs and gradients.
    @Test func synchronizedBatchNormOfOneRankIsBatchNorm() throws {
        let inputs = Tensor.randomUniform([5, 3, 2, 2], from: -2, to: 3, seed: 6)
        let norm = BatchNorm(3)
        func run() throws -> (Tensor, [Tensor]) {
            try withLayerMode(.training) {
                try valueWithGradient(at: [inputs]) { points in
                    (try norm(points[0]) * Tensor.randomUniform([5, 3, 2, 2], from: -1, to: 1, seed: 7)).sum()
                }
            }
        }
        let (plain, plainGradients) = try run()
        let (synchronized, synchronizedGradients) = try SynchronizedBatchStatistics.$current.withValue(.init(communicator: .singleProcess)) { try run() }
        #expect(abs(plain.scalar - synchronized.scalar) <= 1e-5)
        #expect(plainGradients[0].scalars.contains { abs($0) > 1e-3 })
        for (a, b) in zip(plainGradients, synchronizedGradients) {
            #expect(zip(a.scalars, b.scalars).allSatisfy { abs($0 - $1) <= 1e-5 })
        }
    }
}
