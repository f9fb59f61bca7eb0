import Foundation
import Neurite

extension Evaluate {
    /// `neurite evaluate MODEL TEXT`: a character language model read over a whole text, every
    /// character after the first predicted once from all before it (the state is carried).
    func evaluate(_ model: CharacterLanguageModel, on path: String) throws {
        let corpus = try TextCorpus(contentsOf: InputPath.url(path), vocabulary: model.vocabulary)
        let (loss, metrics) = try model.evaluate(on: corpus)
        print("model: \(model.headline)  (\(model.parameterCount) parameters)")
        print("text: \(corpus.ids.count) characters of \(path)")
        // Perplexity: the number of equally likely characters that would leave the model as unsure.
        print(String(format: "loss %.4f  (%.3f bits/character, perplexity %.2f)  next-character accuracy %.2f%%",
                     loss, loss / log(2), exp(loss), 100 * (metrics["accuracy"] ?? 0)))
    }
}
