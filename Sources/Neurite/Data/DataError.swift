import Foundation

/// What is wrong with a data file. Every case names the file, so the message says which one to fix.
public enum DataError: Error, Equatable, CustomStringConvertible {
    case fileNotFound(URL)
    case unreadable(URL, reason: String)
    /// The gzip stream is damaged or incomplete.
    case corruptCompression(URL, reason: String)
    /// The IDX header or body does not match the format.
    case malformed(URL, reason: String)
    /// The decompressed bytes differ from the published checksum.
    case checksumMismatch(URL, expected: String, actual: String)
    /// Two files that must agree (images and labels) do not.
    case inconsistent(String)

    public var description: String {
        switch self {
        case let .fileNotFound(url): return "\(url.path): file not found"
        case let .unreadable(url, reason): return "\(url.path): cannot be read (\(reason))"
        case let .corruptCompression(url, reason): return "\(url.path): corrupt gzip data (\(reason))"
        case let .malformed(url, reason): return "\(url.path): not a valid IDX file (\(reason))"
        case let .checksumMismatch(url, expected, actual):
            return "\(url.path): SHA-256 of the decompressed data is \(actual), expected \(expected); the file is corrupt"
        case let .inconsistent(message): return message
        }
    }
}
