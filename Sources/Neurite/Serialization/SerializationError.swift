import Foundation

/// What is wrong with a saved model, or why it could not be saved. Every case names the file.
public enum SerializationError: Error, Equatable, CustomStringConvertible {
    case unreadable(URL, reason: String)
    case malformed(URL, reason: String)
    /// The file does not hold what the model needs.
    case mismatch(URL, reason: String)
    /// A tensor holds NaN or infinity: refused on save (the old file stays) and on load for use.
    case nonFinite(URL, tensor: String)
    /// The file or its folder cannot be written; nothing was replaced.
    case unwritable(URL, reason: String)
    /// A checkpoint's manifest that cannot be resumed from: not this version's format, a field
    /// missing or out of range, or its parts disagreeing.
    case invalidCheckpoint(URL, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(url, reason): return "\(url.path): cannot be read, \(reason)"
        case let .malformed(url, reason): return "\(url.path): expected a safetensors file, found \(reason)"
        case let .mismatch(url, reason): return "\(url.path): does not fit the model, \(reason)"
        case let .nonFinite(url, tensor):
            return "\(url.path): expected finite weights, found NaN or infinity in \(tensor) (training diverged? try a lower learning rate)"
        case let .unwritable(url, reason): return "\(url.path): cannot be written, \(reason)"
        case let .invalidCheckpoint(url, reason): return "\(url.path): not a checkpoint this version can resume, \(reason)"
        }
    }
}
