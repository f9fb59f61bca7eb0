import Foundation

extension DecodingError {
    /// One line naming the field and the problem, for messages about JSON that came from outside
    /// (a checkpoint's manifest, a playground message): `history.epochs[0].loss: expected Double`.
    /// `document` names the whole when the problem is not in one field (`manifest: …`).
    public func explanation(document: String) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let names = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return names.isEmpty ? document : String(names.dropFirst())
        }
        switch self {
        case let .typeMismatch(expected, context):
            return "\(path(context.codingPath)): expected \(expected)"
        case let .valueNotFound(expected, context):
            return "\(path(context.codingPath)): expected \(expected), got null"
        case let .keyNotFound(key, context):
            return "\(path(context.codingPath + [key])): missing"
        case let .dataCorrupted(context) where context.codingPath.isEmpty:
            // Foundation on Linux says "not valid JSON" for both, with no field and no underlying error.
            return "\(document): not valid JSON, or a number that does not fit its field (e.g. -1 for a seed)"
        case let .dataCorrupted(context):
            // Unknown names of an enumeration land here (e.g. "activation": "swish").
            return "\(path(context.codingPath)): \(context.debugDescription.prefix(120))"
        @unknown default:
            return "\(document): does not have the expected fields"
        }
    }
}
