import Foundation

/// The safetensors file format: an 8-byte little-endian header length, a JSON header mapping each
/// tensor's name to its dtype, shape and byte range, then the raw little-endian data.
///
/// Chosen over a format of our own because PyTorch, MLX and JAX all read it, it cannot execute
/// code on load (unlike pickle), and its header can be read without touching the data.
public enum Safetensors {
    #if !_endian(little)
    #error("Safetensors copies little-endian floats as they are in memory")
    #endif

    /// Writes `tensors` and string `metadata` to `url` with ``AtomicFile``, so an interrupted
    /// save never leaves a half-written model where a good one was.
    /// - Parameter dtype: `.float32` (exact) or `.float16` (half the size; values are rounded).
    /// - Throws: ``SerializationError/nonFinite(_:tensor:)`` when a tensor holds NaN or infinity
    ///   (or, for float16, a value beyond ±65504): weights of a diverged run never replace a
    ///   saved model. ``SerializationError/unwritable(_:reason:)`` when the file cannot be written.
    public static func write(
        _ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:], dtype: SafetensorsDType = .float32, to url: URL
    ) throws {
        precondition(dtype == .float32 || dtype == .float16, "Safetensors writes F32 or F16")
        try AtomicFile.write(encode(tensors, metadata: metadata, dtype: dtype, file: url), to: url)
    }

    /// The bytes of a safetensors file holding `tensors` and `metadata`; `url` only names the
    /// file in errors.
    static func encode(
        _ tensors: [(name: String, tensor: Tensor)], metadata: [String: String], dtype: SafetensorsDType, file url: URL
    ) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for (name, tensor) in tensors {
            let limit: Float = dtype == .float16 ? 65504 : .greatestFiniteMagnitude
            guard tensor.withUnsafeBuffer({ $0.allSatisfy { $0.isFinite && abs($0) <= limit } }) else {
                throw SerializationError.nonFinite(url, tensor: name)
            }
            let size = tensor.count * dtype.size
            header[name] = ["dtype": dtype.rawValue, "shape": tensor.shape, "data_offsets": [offset, offset + size]]
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
                // Whole buffers at once, already little-endian on every platform Swift runs on
                // (checked below): the bytes of the array are the bytes of the file.
                if dtype == .float16 {
                    buffer.map { floatToHalf($0).littleEndian }.withUnsafeBytes { file.append(contentsOf: $0) }
                } else {
                    file.append(contentsOf: UnsafeRawBufferPointer(buffer))
                }
            }
        }
        return file
    }

    /// The tensors and metadata of a safetensors file, every dtype of ``SafetensorsDType``
    /// converted to `Float`.
    /// - Throws: ``SerializationError`` naming the file when it is missing, truncated or malformed
    ///   (see `SafetensorsHeader` for every check made before a tensor is allocated).
    public static func read(from url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw SerializationError.unreadable(url, reason: describeFileError(error))
        }
        return try read(data, file: url)
    }

    /// The tensors and metadata of the bytes of a safetensors file; `url` only names it in errors.
    public static func read(_ data: Data, file url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let header = try SafetensorsHeader(data, file: url)
        var tensors: [String: Tensor] = [:]
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            for entry in header.entries {
                let start = header.dataStart + entry.range.lowerBound, size = entry.dtype.size, count = entry.range.count / size
                let scalars = entry.dtype == .float32
                    ? [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                        // Unaligned in general (the data starts at any multiple of 8 plus a
                        // header of any length), so copied as bytes.
                        UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + count * 4)]))
                        initialized = count
                    }
                    : (0..<count).map { entry.dtype.element(bytes, at: start + $0 * size) }
                tensors[entry.name] = Tensor(shape: entry.shape, storage: TensorStorage(scalars))
            }
        }
        return (tensors, header.metadata)
    }
}
