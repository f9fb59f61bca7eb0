import Foundation
import Testing
@testable import Neurite

/// The README's examples (the first one, and the recurrent section's), compiled and run here.
/// `readmeExampleMatchesThisFile` keeps the copies identical, so the README cannot drift from
/// code that works.
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

    /// The recurrent section's example: a character LSTM with truncated backpropagation
    /// through time; returns each epoch's mean loss.
    static func recurrentReadmeExample() throws -> [Float] {
        // README-RECURRENT-BEGIN
        let corpus = try TextCorpus(String(repeating: "hello world\n", count: 40)), characters = corpus.vocabulary.count
        let embedding = Embedding(characters, 8, seed: 1), lstm = LSTM(8, 64, seed: 2), decoder = Dense(64, characters, seed: 3)
        var model = Sequential { embedding; lstm; decoder }
        var optimizer = Adam(learningRate: 0.01), losses: [Float] = []

        for epoch in 1...12 {
            var state: RecurrentState? = nil, total: Float = 0
            let windows = try corpus.windows(batchSize: 4, sequenceLength: 16)
            for window in windows {
                let (loss, gradients) = try valueWithGradient(of: model) { _ in
                    let result = try lstm.unroll(embedding(Tensor(rows: window.inputs.map { $0.map(Float.init) })), from: state)
                    state = result.state.detached           // carried into the next window: truncated BPTT
                    return try crossEntropy(logits: decoder(result.sequence).reshaped([-1, characters]), labels: window.targets)
                }
                optimizer.update(&model, along: gradients.clipped(toNorm: 5))
                total += loss.scalar
            }
            print("epoch \(epoch): loss per character", total / Float(windows.count))
            losses.append(total / Float(windows.count))
        }
        // README-RECURRENT-END
        return losses
    }

    @Test func recurrentReadmeExampleLearnsThePhrase() throws {
        let losses = try Self.recurrentReadmeExample()
        // From log(8) ≈ 2.1 nats to a phrase read almost without error.
        #expect(losses[0] > 1.2)
        #expect(losses.last! < 0.2)
    }

    @Test func readmeExampleTrains() throws {
        let full = try MNIST.load()
        let small = MNIST(
            train: full.train.prefix(2_000), test: full.test.prefix(500),
            pixelMean: full.pixelMean, pixelStandardDeviation: full.pixelStandardDeviation)
        let model = try Self.readmeExample(data: small)
        #expect(try model.accuracy(on: small.test) > 0.85)
    }

    @Test(arguments: ["README", "README-RECURRENT"])
    func readmeExampleMatchesThisFile(marker: String) throws {
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let readme = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md"),
            encoding: .utf8)
        let begin = source.range(of: "// \(marker)-BEGIN\n")!, end = source.range(of: "        // \(marker)-END")!
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
