import ArgumentParser
import Foundation
import Neurite

/// A model file written by `neurite train`, with what it says about itself: the architecture
/// and input shape to rebuild the network, and for a model trained on a table the task, the
/// feature and target column names and the feature standardization. An ONNX file (`.onnx`)
/// reads as one too, imported as `neurite import-onnx` would save it.
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

    /// Whether the weights came from an ONNX file rather than a file of Neurite's.
    private var isImported = false

    /// Reads the file and its architecture metadata (the weights are loaded by ``network()``).
    init(path: String) throws {
        let url = URL(fileURLWithPath: path)
        if path.lowercased().hasSuffix(".onnx") {
            try self.init(importing: url, path: path)
            return
        }
        let (tensors, metadata) = try Safetensors.read(from: url)
        if CharacterLanguageModel.isSaved(in: metadata) {
            throw CommandLineError(subject: path, message: "a character language model (neurite train text): 'neurite sample' writes text with it, 'neurite evaluate' measures it on a text; this command reads models of train mnist and train csv")
        }
        try self.init(url: url, tensors: tensors, metadata: metadata)
    }

    /// The model of a file already read.
    init(url: URL, tensors: [String: Tensor], metadata: [String: String]) throws {
        self.url = url
        self.tensors = tensors
        self.metadata = metadata
        guard let text = metadata[Key.architecture], let shapeText = metadata[Key.inputShape] else {
            throw SerializationError.mismatch(url, reason: "no Neurite architecture metadata; was it saved by 'neurite train'?")
        }
        guard let shape = try? Self.shape(shapeText) else {
            throw SerializationError.mismatch(url, reason: "input shape '\(shapeText)' is not a list of positive sizes (at most 2²⁶ values)")
        }
        architecture = try Architecture(text)
        inputShape = shape
    }

    /// The ONNX file at `path` imported, its errors naming the file as every command's do.
    static func importONNX(_ path: String) throws -> ONNXImport {
        do { return try ONNXImport(contentsOf: URL(fileURLWithPath: path)) } catch let error as InteropError {
            throw CommandLineError(subject: path, message: "\(error)")
        }
    }

    /// The model of an ONNX file, with the metadata `neurite import-onnx` would save.
    private init(importing url: URL, path: String) throws {
        let imported = try Self.importONNX(path)
        try self.init(url: url, tensors: imported.model.state, metadata: [
            Key.architecture: imported.architecture.description,
            Key.inputShape: imported.sampleShape.map(String.init).joined(separator: ","),
        ])
        isImported = true
    }

    /// The network with the file's weights, refused when a batch of `batchSize` samples would not
    /// fit in memory (the file's architecture and input shape can ask for any size).
    func network(batchSize: Int = 1) throws -> Sequential {
        let network = try architecture.build(inputShape: inputShape, seed: 0, batchSize: batchSize)
        if isImported { try network.load(tensors) } else { try network.load(from: url) }
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

    /// The feature columns of `table` as the model takes them: found by their saved names and
    /// standardized with the saved statistics (`predict` and `evaluate` of a table model).
    func inputs(from table: CSVTable) throws -> Tensor {
        let inputs = try table.numbers(columns: names(Key.features))
        return try standardization()?.apply(to: inputs) ?? inputs
    }

    /// `names` as the JSON array ``names(_:)`` reads back.
    static func encode(_ names: [String]) -> String {
        String(decoding: try! JSONEncoder().encode(names), as: UTF8.self)
    }
    /// Saves `network` at `path` (atomically) with the metadata ``init(path:)`` needs.
    static func save(_ network: Sequential, architecture: Architecture, inputShape: [Int], to path: String) throws {
        try network.save(to: URL(fileURLWithPath: path), metadata: [
            Key.architecture: architecture.description,
            Key.inputShape: inputShape.map(String.init).joined(separator: ","),
        ])
    }

    /// "1,28,28" → [1, 28, 28]: every size positive, and at most 2²⁶ values per sample, so that a
    /// mistyped shape is an error rather than an allocation that does not fit in memory.
    static func shape(_ text: String) throws -> [Int] {
        let sizes = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let count = sizes.reduce(1) { product, size in product > 1 << 26 || size > 1 << 26 ? Int.max : product * size }
        guard !sizes.isEmpty, sizes.count == text.split(separator: ",").count, sizes.allSatisfy({ $0 > 0 }), count <= 1 << 26 else {
            throw ValidationError("'\(text)' is not a shape: give positive sizes separated by commas, e.g. 784 or 1,28,28 (at most 2²⁶ values)")
        }
        return sizes
    }
}
