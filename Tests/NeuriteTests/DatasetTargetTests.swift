import Testing
@testable import Neurite

/// Datasets with targets of any shape: batching, splitting, sharding.
@Suite("Dataset targets")
struct DatasetTargetTests {
    let inputs = try! Tensor(shape: [7, 2], scalars: (0..<14).map(Float.init))
    var targets: Tensor { try! Tensor(shape: [7, 3], scalars: (0..<21).map { Float($0) * 10 }) }

    @Test func batchesCarryTheirOwnTargetRows() throws {
        let data = try Dataset(inputs: inputs, targets: targets)
        #expect(data.count == 7 && data.targetShape == [3] && data.labels.isEmpty)
        for batch in data.batches(size: 3, shuffled: true, seed: 4) {
            for (position, index) in batch.indices.enumerated() {
                #expect(batch.inputs[position, 0] == Float(2 * index))
                #expect(batch.targets[position, 2] == Float(10 * (3 * index + 2)))
            }
        }
        #expect(data.batches(size: 3, shuffled: true, seed: 4).map(\.indices) == data.batches(size: 3, shuffled: true, seed: 4).map(\.indices))
        #expect(data.batches(size: 3).map(\.count) == [3, 3, 1])
    }

    @Test func labelsAreAlsoTargetsOfClassIndices() throws {
        let data = try Dataset(inputs: inputs, labels: [0, 2, 1, 1, 0, 2, 1])
        #expect(data.targets == Tensor([0, 2, 1, 1, 0, 2, 1]) && data.targetShape == [])
        let batch = data.batches(size: 4, shuffled: true, seed: 1)[0]
        #expect(batch.labels == batch.indices.map { data.labels[$0] })
        #expect(batch.targets.scalars == batch.labels.map(Float.init))
        // Class indices given as targets become labels too.
        #expect(try Dataset(inputs: inputs, targets: Tensor([0, 2, 1, 1, 0, 2, 1])).labels == data.labels)
        #expect(throws: TensorError.self) { try Dataset(inputs: inputs, labels: [0, 1]) }
        #expect(throws: TensorError.self) { try Dataset(inputs: inputs, targets: Tensor([1, 2])) }
        #expect(throws: TensorError.self) { try Dataset(inputs: inputs, targets: Tensor([0, 1, 2, 3, 4, 5, .nan])) }
    }

    @Test func splitIsSeededDisjointAndComplete() throws {
        let data = try Dataset(inputs: Tensor(shape: [20, 1], scalars: (0..<20).map(Float.init)), targets: Tensor((0..<20).map { Float($0) * 2 }))
        let (train, validation) = data.split(validationFraction: 0.25, seed: 3)
        #expect(train.count == 15 && validation.count == 5)
        let trainValues = train.inputs.scalars, validationValues = validation.inputs.scalars
        #expect(Set(trainValues).isDisjoint(with: validationValues) && Set(trainValues + validationValues).count == 20)
        #expect(train.targets.scalars == trainValues.map { $0 * 2 })
        #expect(data.split(validationFraction: 0.25, seed: 3).validation.inputs == validation.inputs)
        #expect(data.split(validationFraction: 0.25, seed: 4).validation.inputs != validation.inputs)
    }

    @Test func shardsPartitionTheDataAndPrefixKeepsTheFirstSamples() throws {
        let data = try Dataset(inputs: inputs, targets: targets)
        let shards = (0..<3).map { data.shard(index: $0, count: 3) }
        #expect(shards.map(\.count) == [3, 2, 2])
        #expect(shards[1].inputs.scalars == [2, 3, 8, 9])
        #expect(shards[1].targets.scalars == [30, 40, 50, 120, 130, 140])
        #expect(Set(shards.flatMap { $0.inputs.scalars }).count == 14)
        #expect(data.prefix(2).targets.scalars == Array(targets.scalars.prefix(6)))
        #expect(data.prefix(99).count == 7)
    }
}
