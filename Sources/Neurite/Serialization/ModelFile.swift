import Foundation

extension Layer {
    /// Saves every parameter (trainable or not) under its path, atomically, in safetensors format.
    /// `metadata` travels with it, e.g. the architecture description needed to rebuild the model.
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        try Safetensors.write(namedParameters.map { ($0.name, $0.parameter.value) }, metadata: metadata, to: url)
    }

    /// Replaces this model's parameters by those saved in `url`, matched by path.
    /// - Throws: ``SerializationError`` when a parameter is missing or has another shape; the
    ///   model is left unchanged then.
    @discardableResult
    public func load(from url: URL) throws -> [String: String] {
        let (tensors, metadata) = try Safetensors.read(from: url)
        let parameters = namedParameters
        for (name, parameter) in parameters {
            guard let tensor = tensors[name] else { throw SerializationError.mismatch(url, reason: "no tensor named \(name)") }
            guard tensor.shape == parameter.value.shape else {
                throw SerializationError.mismatch(url, reason: "\(name) has shape \(tensor.shape), the model needs \(parameter.value.shape)")
            }
        }
        for (name, parameter) in parameters { parameter.value = tensors[name]! }
        return metadata
    }
}
