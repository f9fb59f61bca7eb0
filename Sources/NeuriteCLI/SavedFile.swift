import Foundation
import Neurite

/// A model file of any `neurite train`: a network (`train mnist`, `train csv`), which
/// ``SavedModel`` describes, or a character language model (`train text`), which rebuilds
/// itself. For the commands that read both, `evaluate` and `summary`.
enum SavedFile {
    case network(SavedModel)
    case characterLanguageModel(CharacterLanguageModel)

    /// The model in `path`, of either kind.
    static func open(_ path: String) throws -> SavedFile {
        if path.lowercased().hasSuffix(".onnx") { return .network(try SavedModel(path: path)) }
        let url = URL(fileURLWithPath: path)
        let (tensors, metadata) = try Safetensors.read(from: url)
        // The character model's loader checks its own metadata against its weights, so it reads
        // the file again rather than from here.
        if CharacterLanguageModel.isSaved(in: metadata) { return .characterLanguageModel(try CharacterLanguageModel.load(from: url)) }
        return .network(try SavedModel(url: url, tensors: tensors, metadata: metadata))
    }
}
