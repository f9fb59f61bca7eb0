import Foundation

extension Layer {
    /// Saves every parameter (trainable or not) under its path, atomically, in safetensors format.
    /// `metadata` travels with it, e.g. the architecture description needed to rebuild the model.
    /// - Parameter dtype: `.float32` (default, exact) or `.float16` (half the size).
    /// - Throws: ``SerializationError/nonFinite(_:tensor:)`` naming the first parameter holding
    ///   NaN or infinity, and ``SerializationError/unwritable(_:reason:)``; an existing file at
    ///   `url` is left as it was.
    public func save(to url: URL, metadata: [String: String] = [:], dtype: SafetensorsDType = .float32) throws {
        try Safetensors.write(namedParameters.map { ($0.name, $0.parameter.value) }, metadata: metadata, dtype: dtype, to: url)
    }

    /// Replaces this model's parameters by those saved in `url`, matched by path.
    /// - Throws: ``SerializationError`` when a parameter is missing, has another shape or holds
    ///   NaN or infinity (named in the message); the model is left unchanged then.
    @discardableResult
    public func load(from url: URL) throws -> [String: String] {
        let (tensors, metadata) = try Safetensors.read(from: url)
        let parameters = namedParameters
        for (name, parameter) in parameters {
            guard let tensor = tensors[name] else { throw SerializationError.mismatch(url, reason: "no tensor named \(name)") }
            guard tensor.shape == parameter.value.shape else {
                throw SerializationError.mismatch(url, reason: "\(name) has shape \(tensor.shape), the model needs \(parameter.value.shape)")
            }
            guard tensor.isFinite else { throw SerializationError.nonFinite(url, tensor: name) }
        }
        for (name, parameter) in parameters { parameter.value = tensors[name]! }
        return metadata
    }
}
