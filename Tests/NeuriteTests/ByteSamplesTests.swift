import Testing
@testable import Neurite

/// A dataset held as bytes (as ``MNIST`` holds its pixels) reads the same `Float`s, through every
/// way of drawing from it, as the same dataset converted to `Float` up front.
@Suite("Byte samples")
struct ByteSamplesTests {
    /// Three samples of two bytes; each byte b stands for b · 0.5 − 1.
    let bytes: [UInt8] = [0, 255, 10, 20, 30, 40]
    var dataset: Dataset {
        Dataset(checkedSamples: .bytes(ByteSamples(bytes: bytes, sampleShape: [2], scale: 0.5, shift: 1)), labels: [2, 0, 1])
    }

    @Test func batchesConvertTheirOwnRows() throws {
        #expect(dataset.count == 3 && dataset.sampleShape == [2])
        let batch = dataset.batches(size: 2)[1]
        #expect(batch.inputs.shape == [1, 2])
        #expect(batch.inputs.scalars == [14, 19])
        #expect(batch.labels == [1])
        let picked = dataset.subset([1, 0])
        #expect(picked.inputs.scalars == [4, 9, -1, 126.5])
        #expect(picked.targets.scalars == [0, 2])
    }

    @Test func matchesTheFloatDataset() throws {
        let floats = try Dataset(inputs: Tensor(shape: [3, 2], scalars: bytes.map { Float($0) * 0.5 - 1 }), labels: [2, 0, 1])
        #expect(dataset.inputs == floats.inputs)
        for seed: UInt64 in [1, 2] {
            let ours = dataset.batches(size: 2, shuffled: true, seed: seed), theirs = floats.batches(size: 2, shuffled: true, seed: seed)
            #expect(ours.map(\.inputs) == theirs.map(\.inputs))
        }
        let (train, validation) = dataset.split(validationFraction: 0.4, seed: 3)
        let (floatTrain, floatValidation) = floats.split(validationFraction: 0.4, seed: 3)
        #expect(train.inputs == floatTrain.inputs && validation.inputs == floatValidation.inputs)
        #expect(dataset.shard(index: 1, count: 2).inputs == floats.shard(index: 1, count: 2).inputs)
    }

    @Test func reshapesSamplesWithoutConverting() throws {
        let images = try dataset.reshapingSamples(to: [1, 2, 1])
        #expect(images.sampleShape == [1, 2, 1])
        #expect(images.prefix(1).inputs.shape == [1, 1, 2, 1])
        #expect(images.prefix(1).inputs.scalars == [-1, 126.5])
        #expect(throws: TensorError.self) { try dataset.reshapingSamples(to: [3]) }
    }
}
