import Foundation
import Testing
@testable import Neurite

/// Several models trained at once in one process (a hyper-parameter search on threads): the
/// thread pool takes one caller at a time and a concurrent caller runs its own tasks, and
/// nothing else is shared, so each model must end exactly as it does when trained alone.
@Suite("Concurrent training")
struct ConcurrentTrainingTests {
    /// 512 random MNIST-shaped samples with random labels.
    static func data(seed: UInt64) throws -> Dataset {
        var generator = RandomGenerator(seed: seed)
        let inputs = Tensor.randomNormal([512, 784], using: &generator)
        let labels = (0..<512).map { _ in Int(generator.next() % 10) }
        return try Dataset(inputs: inputs, labels: labels)
    }

    /// Model `index`: a dense, convolutional or recurrent network, with Adam or SGD, two epochs.
    static func train(_ index: Int) throws -> [String: Tensor] {
        let data = try data(seed: UInt64(index))
        let architecture = [
            "dense(128, relu) dense(10)", "reshape(1, 28, 28) conv(6, 5) relu maxpool(2) flatten dense(10)", "reshape(28, 28) lstm(16, return: last) dense(10)",
        ][index % 3]
        let model = try Architecture(architecture).build(inputShape: [784], seed: UInt64(index))
        let optimizer: any Optimizer = index % 2 == 0 ? Adam() : SGD(learningRate: 0.01, momentum: 0.9)
        _ = try model.fit(data, loss: .crossEntropy, optimizer: optimizer, epochs: 2, batchSize: 64, seed: 1)
        return model.state
    }

    @Test func modelsTrainedAtOnceMatchModelsTrainedOneByOne() throws {
        let count = 6
        let alone = try (0..<count).map(Self.train)
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var states: [Int: [String: Tensor]] = [:], failures: [String] = []
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: count) { index in
            do {
                let state = try Self.train(index)
                results.lock.withLock { results.states[index] = state }
            } catch {
                results.lock.withLock { results.failures.append("\(error)") }
            }
        }
        let failures = results.failures
        #expect(failures.isEmpty, "\(failures)")
        for index in 0..<count {
            let state = try #require(results.states[index])
            for (name, tensor) in alone[index] {
                #expect(state[name] == tensor, "model \(index) \(name)")
            }
        }
    }
}
