import Foundation
import Testing
@testable import Neurite

@Suite("Architecture text: sequence layers")
struct RecurrentArchitectureTests {
    @Test func characterLanguageModelFromText() throws {
        let summary = try Architecture("embedding(64,16) lstm(128) dense(64)").summary(inputShape: [32])
        #expect(summary.rows.map(\.outputShape) == [[32, 16], [32, 128], [32, 64]])
        // 64·16; 4·128·(16 + 128) weights + 2·4·128 biases; 128·64 + 64.
        #expect(summary.rows.map(\.trainableParameters) == [1024, 74752, 8256])
        let classifier = try Architecture("embedding(10, 4) gru(6, return: last) dense(3)").build(inputShape: [5], seed: 1)
        #expect(try classifier(Tensor(shape: [2, 5], scalars: [1, 2, 3, 4, 5, 9, 8, 7, 6, 0])).shape == [2, 3])
        #expect(try Architecture("embedding(5,3) rnn(4, last)").summary(inputShape: [7]).rows.last?.outputShape == [4])
    }

    @Test func savedModelRoundTripsThroughItsArchitecture() throws {
        let text = "embedding(10, 4) lstm(6) gru(5, return: last) rnn(3) dense(2)"
        let reshaped = try Architecture("embedding(10, 4) lstm(6) gru(5, return: last) reshape(5, 1) rnn(3) dense(2)")
        for architecture in [try Architecture(text.replacingOccurrences(of: " rnn(3)", with: "")), reshaped] {
            let model = try architecture.build(inputShape: [6], seed: 1)
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-rnn-\(UInt64.random(in: 0 ... .max)).safetensors")
            defer { try? FileManager.default.removeItem(at: url) }
            try model.save(to: url, metadata: ["neurite.architecture": architecture.description])
            let rebuilt = try Architecture(architecture.description).build(inputShape: [6], seed: 2)
            let metadata = try rebuilt.load(from: url)
            #expect(metadata["neurite.architecture"] == architecture.description)
            let ids = Tensor(shape: [2, 6], storage: TensorStorage([0, 1, 2, 3, 4, 5, 9, 9, 8, 8, 7, 7] as [Float]))
            #expect(try rebuilt.predict(ids) == model.predict(ids))
        }
    }
}
