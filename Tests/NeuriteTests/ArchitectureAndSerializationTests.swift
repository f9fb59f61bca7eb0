import Foundation
import Testing
@testable import Neurite

@Suite("Architectures and model files")
struct ArchitectureAndSerializationTests {
    let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-models-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    @Test func parsesAndBuildsADescription() throws {
        let architecture = try Architecture("dense(32, relu, he) -> dense(16, tanh) dense(10) softmax")
        #expect(architecture.description == "dense(32, relu, he) dense(16, tanh) dense(10) softmax")
        let model = try architecture.build(inputShape: [20], seed: 1)
        #expect(model.layers.count == 4)
        #expect(try model(Tensor.zeros([3, 20])).shape == [3, 10])
        #expect((model.layers[0] as! Dense).activation == .relu)
    }

    @Test func rejectsBadDescriptions() {
        #expect(throws: ArchitectureError.self) { try Architecture("dense(10") }
        #expect(throws: ArchitectureError.self) { try Architecture("blob(3)") }
        #expect(throws: ArchitectureError.self) { try Architecture("") }
        #expect(throws: ArchitectureError.self) { try Architecture("dense(x)").build(inputShape: [3], seed: 0) }
        #expect(throws: ArchitectureError.self) { try Architecture("dense(4, wobbly)").build(inputShape: [3], seed: 0) }
        // [time, features] samples take a dense layer at every step; images need flatten first.
        #expect(throws: ArchitectureError.self) { try Architecture("dense(4)").build(inputShape: [2, 3, 5], seed: 0) }
    }

    @Test func savedModelLoadsBackIdentically() throws {
        let model = try Architecture("dense(8, relu) dense(3)").build(inputShape: [5], seed: 7)
        let url = directory.appendingPathComponent("model.safetensors")
        try model.save(to: url, metadata: ["note": "test"])
        let other = try Architecture("dense(8, relu) dense(3)").build(inputShape: [5], seed: 8)
        let x = Tensor.randomNormal([4, 5], seed: 1)
        #expect(try model(x) != other(x))
        #expect(try other.load(from: url) == ["note": "test"])
        #expect(try model(x) == other(x))
    }

    @Test func loadingRejectsMismatchedOrCorruptFiles() throws {
        let url = directory.appendingPathComponent("small.safetensors")
        try Dense(5, 8, seed: 1).save(to: url)
        #expect(throws: SerializationError.self) { try Dense(5, 9, seed: 1).load(from: url) }
        let data = try Data(contentsOf: url)
        try data.prefix(data.count - 10).write(to: url)
        #expect { try Dense(5, 8, seed: 1).load(from: url) } throws: { error in
            "\(error)".contains(url.path)
        }
        #expect(throws: SerializationError.self) { try Dense(5, 8).load(from: directory.appendingPathComponent("none")) }
    }

    @Test func savingOverwritesWithoutLeavingTemporaryFiles() throws {
        let url = directory.appendingPathComponent("atomic.safetensors")
        try Dense(2, 2, seed: 1).save(to: url)
        try Dense(2, 2, seed: 2).save(to: url)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0 != "atomic.safetensors" }
        #expect(leftovers.isEmpty)
        let reloaded = Dense(2, 2, seed: 3)
        try reloaded.load(from: url)
        #expect(reloaded.weight == Dense(2, 2, seed: 2).weight)
    }
}
