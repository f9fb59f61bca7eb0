import Foundation
import Neurite

/// A model file written by `neurite train`, with what it says about itself: the architecture
/// and input shape to rebuild the network, and for a model trained on a table the task, the
/// feature and target column names and the feature standardization.
struct SavedModel {
    /// The metadata keys of a self-describing model file.
    enum Key {
        static let architecture = "neurite.architecture"
        static let inputShape = "neurite.input-shape"
        static let task = "neurite.task"
        static let features = "neurite.features"
        static let targets = "neurite.targets"
        static let pixelMean = "neurite.pixel-mean"
        static let pixelStandardDeviation = "neurite.pixel-standard-deviation"
    }

    let url: URL
    let architecture: Architecture
    let inputShape: [Int]
    let metadata: [String: String]
    let tensors: [String: Tensor]

    /// Reads the file and its architecture metadata (the weights are loaded by ``network()``).
    init(path: String) throws {
        url = URL(fileURLWithPath: path)
        (tensors, metadata) = try Safetensors.read(from: url)
        guard let text = metadata[Key.architecture], let shapeText = metadata[Key.inputShape] else {
            throw SerializationError.mismatch(url, reason: "no Neurite architecture metadata; was it saved by 'neurite train'?")
        }
        let shape = shapeText.split(separator: ",").compactMap { Int($0) }
        guard !shape.isEmpty, shape.count == shapeText.split(separator: ",").count, shape.allSatisfy({ $0 > 0 }) else {
            throw SerializationError.mismatch(url, reason: "input shape '\(shapeText)' is not a list of positive sizes")
        }
        architecture = try Architecture(text)
        inputShape = shape
    }

    /// The network with the file's weights.
    func network() throws -> Sequential {
        let network = try architecture.build(inputShape: inputShape, seed: 0)
        try network.load(from: url)
        return network
    }

    /// The table task the model was trained for; `nil` for a model trained on images.
    func task() throws -> TableTask? {
        guard let text = metadata[Key.task] else { return nil }
        guard let task = TableTask(rawValue: text) else { throw SerializationError.mismatch(url, reason: "unknown task '\(text)'") }
        return task
    }

    /// A list of names stored as a JSON array under `key`.
    func names(_ key: String) throws -> [String] {
        guard let text = metadata[key], let names = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
            throw SerializationError.mismatch(url, reason: "no list of names under \(key)")
        }
        return names
    }

    /// The feature standardization stored with the model, if any.
    func standardization() throws -> Standardization? {
        do { return try Standardization(namedTensors: tensors) } catch {
            throw SerializationError.mismatch(url, reason: "\(error)")
        }
    }

    /// `names` as the JSON array ``names(_:)`` reads back.
    static func encode(_ names: [String]) -> String {
        String(decoding: try! JSONEncoder().encode(names), as: UTF8.self)
    }
}
