import Foundation
@testable import Neurite

/// Reference values computed by PyTorch in float64 (`scripts/make_recurrent_fixtures.py`):
/// nn.RNN, nn.LSTM and nn.GRU over a packed batch with one short sequence, nn.Embedding, and a
/// masked Embedding → LSTM → Linear model.
struct RecurrentFixtures: Decodable {
    struct Case: Decodable {
        let cell: String
        let batch: Int, steps: Int, inputSize: Int, hiddenSize: Int
        let lengths: [Int], mask: [Float]
        let input: [Float], initialHidden: [Float], initialCell: [Float]?
        let outputProjection: [Float], hiddenProjection: [Float], cellProjection: [Float]?
        let loss: Float, output: [Float], finalHidden: [Float], finalCell: [Float]?
        let inputGradient: [Float], initialHiddenGradient: [Float], initialCellGradient: [Float]?
        let parameters: [String: [Float]], parameterGradients: [String: [Float]]
    }

    struct EmbeddingCase: Decodable {
        let weight: [Float], ids: [Float], idsShape: [Int], projection: [Float]
        let output: [Float], weightGradient: [Float]
    }

    /// Embedding → LSTM → Linear over padded sequences, cross-entropy over the real steps only.
    struct MaskedModelCase: Decodable {
        let vocabulary: Int, dimension: Int, hiddenSize: Int, batch: Int, steps: Int
        let ids: [Float], targets: [Int], mask: [Float]
        let loss: Float, logits: [Float], finalHidden: [Float], finalCell: [Float]
        let parameters: [String: [Float]], parameterGradients: [String: [Float]]
    }

    let recurrent: [Case]
    let embedding: EmbeddingCase
    let maskedModel: MaskedModelCase

    static let shared: RecurrentFixtures = {
        let url = Bundle.module.url(forResource: "recurrent", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(RecurrentFixtures.self, from: Data(contentsOf: url))
    }()
}

/// max |a − b| relative to the reference's largest magnitude: how far `actual` is from
/// `expected` as a fraction of the scale of the numbers compared.
func relativeDifference(_ actual: [Float], _ expected: [Float]) -> Float {
    precondition(actual.count == expected.count, "\(actual.count) ≠ \(expected.count) values")
    let scale = max(expected.map(abs).max() ?? 0, 1e-6)
    return largestDifference(actual, expected) / scale
}
