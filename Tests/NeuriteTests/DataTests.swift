import Foundation
import Testing
@testable import Neurite

@Suite("Data loading")
struct DataTests {
    let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-data-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    private func idx(dimensions: [Int], body: [UInt8]) -> Data {
        var bytes: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for dimension in dimensions { bytes += [24, 16, 8, 0].map { UInt8((dimension >> $0) & 0xFF) } }
        return Data(bytes + body)
    }

    @Test func readsRawIDX() throws {
        let url = directory.appendingPathComponent("small-idx3-ubyte")
        try idx(dimensions: [2, 2, 3], body: Array(0..<12)).write(to: url)
        let file = try IDXFile(contentsOf: url)
        #expect(file.dimensions == [2, 2, 3])
        #expect(file.bytes == Array(0..<12))
    }

    @Test func truncatedFileNamesTheFile() throws {
        let url = directory.appendingPathComponent("truncated-idx3-ubyte")
        try idx(dimensions: [2, 2, 3], body: Array(0..<11)).write(to: url)
        #expect {
            try IDXFile(contentsOf: url)
        } throws: { error in
            "\(error)".contains(url.path) && "\(error)".contains("needing 12 bytes")
        }
    }

    @Test func corruptGzipNamesTheFile() throws {
        let original = try Data(contentsOf: MNIST.bundledDirectory.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
        let truncated = directory.appendingPathComponent("t10k-labels-idx1-ubyte.gz")
        try original.prefix(original.count / 2).write(to: truncated)
        #expect { try IDXFile(contentsOf: truncated) } throws: { error in
            guard case .corruptCompression(let url, _) = error as? DataError else { return false }
            return url == truncated && "\(error)".contains("t10k-labels-idx1-ubyte.gz")
        }
        var flipped = original
        flipped[flipped.count / 2] ^= 0xFF
        let damaged = directory.appendingPathComponent("damaged-idx1-ubyte.gz")
        try flipped.write(to: damaged)
        #expect(throws: DataError.self) { try IDXFile(contentsOf: damaged) }
    }

    @Test func checksumMismatchIsReported() throws {
        let url = directory.appendingPathComponent("sum-idx1-ubyte")
        try idx(dimensions: [3], body: [1, 2, 3]).write(to: url)
        #expect { try IDXFile(contentsOf: url, expectedCRC32: 0) } throws: { error in
            guard case .checksumMismatch(let file, _, _) = error as? DataError else { return false }
            return file == url
        }
    }

    @Test func mnistDirectoryWithCorruptFileFailsWithItsName() throws {
        for name in ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "CRC32SUMS.uncompressed"] {
            try FileManager.default.copyItem(
                at: MNIST.bundledDirectory.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        // Raw labels with one label changed: structurally valid, so only the checksum catches it.
        let stream = try InflateStream(
            Data(contentsOf: MNIST.bundledDirectory.appendingPathComponent("t10k-labels-idx1-ubyte.gz")), file: directory)
        var labels = try stream.read(upTo: 1 << 20)
        labels[100] = labels[100] == 0 ? 1 : 0
        try labels.write(to: directory.appendingPathComponent("t10k-labels-idx1-ubyte"))
        #expect { try MNIST.load(from: directory) } throws: { error in
            "\(error)".contains("t10k-labels-idx1-ubyte") && "\(error)".contains("CRC-32")
        }
        #expect(throws: DataError.self) { try MNIST.load(from: directory.appendingPathComponent("missing")) }
    }

    @Test func batchesCoverTheDatasetInSeededOrder() throws {
        let dataset = try Dataset(inputs: Tensor.arange(0, 10).reshaped([10, 1]), labels: Array(0..<10))
        let batches = dataset.batches(size: 4, shuffled: true, seed: 3)
        #expect(batches.map(\.count) == [4, 4, 2])
        #expect(batches.flatMap(\.labels).sorted() == Array(0..<10))
        #expect(batches.flatMap { $0.inputs.scalars.map(Int.init) } == batches.flatMap(\.labels))
        #expect(dataset.batches(size: 4, shuffled: true, seed: 3).flatMap(\.labels) == batches.flatMap(\.labels))
        #expect(dataset.batches(size: 4, shuffled: true, seed: 4).flatMap(\.labels) != batches.flatMap(\.labels))
        #expect(throws: TensorError.self) { try Dataset(inputs: Tensor([Float.nan]), labels: [0]) }
    }
}
