import Foundation

/// What is wrong with a data file. Every case names the file, so the message says which one to fix.
public enum DataError: Error, Equatable, CustomStringConvertible {
    case fileNotFound(URL)
    case unreadable(URL, reason: String)
    /// The gzip stream is damaged or incomplete.
    case corruptCompression(URL, reason: String)
    /// The IDX header or body does not match the format.
    case malformed(URL, reason: String)
    /// The decompressed bytes differ from the recorded CRC-32.
    case checksumMismatch(URL, expected: String, actual: String)
    /// The PNG file's structure or image data does not match the format (or uses a part of it
    /// that is not read: interlacing).
    case malformedImage(URL, reason: String)
    /// Files that must agree (images and labels, training and test samples) do not, or a file
    /// holds values its role forbids (a label outside the classes, no samples at all).
    case inconsistent(URL, reason: String)

    public var description: String {
        switch self {
        case let .fileNotFound(url): return "\(url.path): no such file"
        case let .unreadable(url, reason): return "\(url.path): cannot be read, \(reason)"
        case let .corruptCompression(url, reason): return "\(url.path): expected gzip data, found a corrupt stream (\(reason))"
        case let .malformed(url, reason): return "\(url.path): expected an IDX file, found \(reason)"
        case let .checksumMismatch(url, expected, actual):
            return "\(url.path): expected CRC-32 \(expected) of the decompressed data, found \(actual); the file is corrupt"
        case let .malformedImage(url, reason): return "\(url.path): expected a PNG image, found \(reason)"
        case let .inconsistent(url, reason): return "\(url.path): \(reason)"
        }
    }
}
