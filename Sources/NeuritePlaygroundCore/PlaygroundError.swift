/// What went wrong with a message from the page, as the `error` frame reports it.
///
/// Every problem the page can cause (or suffer) has a code the page can switch on and a message a
/// person can read; none of them closes the connection or ends the session.
public struct PlaygroundError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kinds of error of the protocol (`docs/playground-protocol.md`).
    public enum Code: String, Codable, Sendable {
        /// The message is not JSON, not an object, not text, or has no string `"type"`.
        case badJSON = "bad-json"
        /// The `"type"` names no message of the protocol.
        case unknownType = "unknown-type"
        /// A field of `config` (or of another message) has the wrong type or a meaningless value.
        case badConfig = "bad-config"
        /// A size beyond what the server allows: samples, layers, units, steps, message bytes,
        /// open sessions.
        case limit
        /// `play`, `step`, `pause` or `reset` before any `configure`.
        case notConfigured = "not-configured"
        /// The loss became NaN or infinite; training paused.
        case diverged
    }

    /// The kind of error.
    public let code: Code
    /// One line for a person: what was wrong and what is allowed.
    public let message: String

    /// An error of kind `code` explained by `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
