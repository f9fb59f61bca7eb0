import Foundation
import Testing
@testable import Neurite

/// The README's example, compiled and run here. `readmeExampleMatchesThisFile` keeps the two
/// copies identical, so the README cannot drift from code that works.
@Suite("README example")
struct ReadmeExampleTests {
    static func readmeExample(data: MNIST) throws -> Sequential {
        // README-BEGIN
        var model = Sequential {
            Dense(784, 128, activation: .relu)      // He initialization, the default before ReLU
            Dense(128, 10)                          // logits: the softmax lives in the loss
        }
        var optimizer = SGD(learningRate: 0.02, momentum: 0.9)

        for epoch in 1...5 {
            for batch in data.train.batches(size: 64, shuffled: true, seed: UInt64(epoch)) {
                let (loss, gradients) = try valueWithGradient(of: model) { model in
                    try crossEntropy(logits: model(batch.inputs), labels: batch.labels)
                }
                optimizer.update(&model, along: gradients.clipped(toNorm: 5))
                _ = loss
            }
            print("epoch \(epoch): test accuracy", try model.accuracy(on: data.test))
        }
        // README-END
        return model
    }

    @Test func readmeExampleTrains() throws {
        let full = try MNIST.load()
        let small = MNIST(
            train: full.train.prefix(2_000), test: full.test.prefix(500),
            pixelMean: full.pixelMean, pixelStandardDeviation: full.pixelStandardDeviation)
        let model = try Self.readmeExample(data: small)
        #expect(try model.accuracy(on: small.test) > 0.85)
    }

    @Test func readmeExampleMatchesThisFile() throws {
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let readme = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md"),
            encoding: .utf8)
        let begin = source.range(of: "// README-BEGIN\n")!, end = source.range(of: "        // README-END")!
        let block = source[begin.upperBound..<end.lowerBound]
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { (line: Substring) -> String in
                let indent = Swift.min(8, line.prefix(while: { $0 == " " }).count)
                return String(line.dropFirst(indent))
            }
            .joined(separator: "\n")
        #expect(readme.contains(block), "README.md must contain the example exactly as compiled here")
    }
}
