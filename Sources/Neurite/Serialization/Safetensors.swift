import Foundation

/// The safetensors file format: an 8-byte little-endian header length, a JSON header mapping each
/// tensor's name to its dtype, shape and byte range, then the raw little-endian data.
///
/// Chosen over a format of our own because PyTorch, MLX and JAX all read it, it cannot execute
/// code on load (unlike pickle), and its header can be read without touching the data.
public enum Safetensors {
    /// Writes `tensors` and string `metadata` to `url` atomically: the bytes go to a temporary file
    /// that is renamed over the destination only once complete, so an interrupted save never
    /// leaves a half-written model where a good one was.
    public static func write(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:], to url: URL) throws {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for (name, tensor) in tensors {
            let size = tensor.count * MemoryLayout<Float>.size
            header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + size]]
            offset += size
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // The format asks for the data to start 8-byte aligned; pad the JSON with spaces.
        while json.count % 8 != 0 { json.append(0x20) }
        var file = Data()
        file.reserveCapacity(8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(json)
        for (_, tensor) in tensors {
            tensor.withUnsafeBuffer { buffer in
                buffer.forEach { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { file.append(contentsOf: $0) } }
            }
        }
        try file.write(to: url, options: .atomic)
    }

    /// The tensors and metadata of a safetensors file (F32 tensors only).
    /// - Throws: ``SerializationError`` naming the file when it is missing, truncated or malformed.
    public static func read(from url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        guard let data = try? Data(contentsOf: url) else { throw SerializationError.unreadable(url) }
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw SerializationError.malformed(url, reason: "shorter than its 8-byte header length") }
        let headerLength = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        guard headerLength >= 2, headerLength <= bytes.count - 8 else {
            throw SerializationError.malformed(url, reason: "header length \(headerLength) exceeds the file")
        }
        guard let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)])) as? [String: Any] else {
            throw SerializationError.malformed(url, reason: "header is not a JSON object")
        }
        let dataStart = 8 + headerLength
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                metadata = value as? [String: String] ?? [:]
                continue
            }
            guard let entry = value as? [String: Any], entry["dtype"] as? String == "F32",
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
            else { throw SerializationError.malformed(url, reason: "entry \(name) is not an F32 tensor") }
            let count = shape.reduce(1, *)
            let start = dataStart + offsets[0], end = dataStart + offsets[1]
            guard shape.allSatisfy({ $0 >= 0 }), offsets[0] >= 0, end - start == count * 4, end <= bytes.count else {
                throw SerializationError.malformed(url, reason: "entry \(name) lies outside the file (truncated?)")
            }
            let scalars = (0..<count).map { index -> Float in
                let base = start + 4 * index
                let bits = UInt32(bytes[base]) | UInt32(bytes[base + 1]) << 8 | UInt32(bytes[base + 2]) << 16 | UInt32(bytes[base + 3]) << 24
                return Float(bitPattern: bits)
            }
            tensors[name] = try Tensor(shape: shape, scalars: scalars)
        }
        return (tensors, metadata)
    }
}

/// What is wrong with a saved model.
public enum SerializationError: Error, Equatable, CustomStringConvertible {
    case unreadable(URL)
    case malformed(URL, reason: String)
    /// The file does not hold what the model needs.
    case mismatch(URL, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(url): return "\(url.path): cannot be read"
        case let .malformed(url, reason): return "\(url.path): not a valid safetensors file (\(reason))"
        case let .mismatch(url, reason): return "\(url.path): does not fit the model (\(reason))"
        }
    }
}
