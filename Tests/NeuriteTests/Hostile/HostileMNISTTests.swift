import Foundation
import Testing
@testable import Neurite

/// MNIST directories whose files are each valid but do not agree: refused before training,
/// naming the file at fault.
@Suite("Hostile inputs: MNIST directories")
struct HostileMNISTTests {
    static func write(_ files: [String: ([UInt32], [UInt8])]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, (dimensions, body)) in files {
            try Data(HostileIDXTests.header(dimensions) + body).write(to: directory.appendingPathComponent(name))
        }
        return directory
    }

    static func split(_ count: Int, side: UInt32 = 2, labels: [UInt8]? = nil) -> [([UInt32], [UInt8])] {
        [([UInt32(count), side, side], [UInt8](repeating: 9, count: count * Int(side * side))),
         ([UInt32(count)], labels ?? [UInt8](repeating: 3, count: count))]
    }

    /// (name, train images+labels, test images+labels, file named, what the message says)
    static let cases: [(String, [([UInt32], [UInt8])], [([UInt32], [UInt8])], String, String)] = [
        ("label 10", split(3, labels: [1, 10, 2]), split(2), "train-labels", "expected labels 0 to 9, found 10 at position 1"),
        ("label 255 in the test set", split(3), split(2, labels: [0, 255]), "t10k-labels", "found 255"),
        ("counts differ", [split(3)[0], ([4], [0, 1, 2, 3])], split(2), "train-labels", "expected 3 labels"),
        ("empty training set", split(0), split(2), "train-images", "at least one image"),
        ("empty test set", split(3), split(0), "t10k-images", "at least one image"),
        ("test images of another size", split(3), split(2, side: 3), "t10k-images", "expected images of 2×2 pixels"),
        ("labels where images belong", [([3], [1, 2, 3]), split(3)[1]], split(2), "train-images", "expected images [count, height, width]"),
        ("images where labels belong", [split(3)[0], split(3)[0]], split(2), "train-labels", "expected labels [count]"),
    ]

    @Test(arguments: cases.indices)
    func refusedNamingTheFile(_ index: Int) throws {
        let (_, train, test, file, expected) = Self.cases[index]
        let directory = try Self.write([
            "train-images-idx3-ubyte": train[0], "train-labels-idx1-ubyte": train[1],
            "t10k-images-idx3-ubyte": test[0], "t10k-labels-idx1-ubyte": test[1],
        ])
        #expect {
            try MNIST.load(from: directory)
        } throws: { error in
            guard let error = error as? DataError else { return false }
            return "\(error)".contains(file) && "\(error)".contains(expected)
        }
    }

    @Test func missingFileIsNamed() throws {
        let directory = try Self.write(["train-images-idx3-ubyte": Self.split(1)[0]])
        #expect(throws: DataError.fileNotFound(directory.appendingPathComponent("train-labels-idx1-ubyte"))) {
            try MNIST.load(from: directory)
        }
    }
}
