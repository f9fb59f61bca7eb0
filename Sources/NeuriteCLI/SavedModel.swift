import ArgumentParser
import Foundation
import Neurite

/// A model file as `neurite train --output` writes it: the parameters, plus the architecture
/// text and the input sample shape in the metadata, from which the network is rebuilt.
struct SavedModel {
    let architecture: Architecture
    let inputShape: [Int]
    let network: Sequential

    /// Rebuilds and loads the model saved at `path`.
    init(path: String) throws {
        let url = URL(fileURLWithPath: path)
        let (_, metadata) = try Safetensors.read(from: url)
        guard let text = metadata["neurite.architecture"], let shapeText = metadata["neurite.input-shape"] else {
            throw ValidationError("\(path) has no Neurite architecture metadata; was it saved by 'neurite train' or 'neurite import-torch'?")
        }
        architecture = try Architecture(text)
        inputShape = try Self.shape(shapeText)
        network = try architecture.build(inputShape: inputShape, seed: 0)
        try network.load(from: url)
    }

    /// Saves `network` at `path` (atomically) with the metadata ``init(path:)`` needs.
    static func save(_ network: Sequential, architecture: Architecture, inputShape: [Int], to path: String) throws {
        try network.save(to: URL(fileURLWithPath: path), metadata: [
            "neurite.architecture": architecture.description,
            "neurite.input-shape": inputShape.map(String.init).joined(separator: ","),
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

    /// An architecture given on the command line: `lenet`, the name of a file holding one, or the text itself.
    static func architecture(_ argument: String) throws -> Architecture {
        if argument.lowercased() == "lenet" { return try Architecture(Architecture.leNet5) }
        let isFile = FileManager.default.fileExists(atPath: argument)
        return try Architecture(isFile ? try String(contentsOfFile: argument, encoding: .utf8) : argument)
    }
}
