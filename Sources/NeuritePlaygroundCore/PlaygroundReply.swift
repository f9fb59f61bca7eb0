import Foundation

/// A message to the page, as one JSON text (`docs/playground-protocol.md`).
public enum PlaygroundReply: Sendable {
    /// Sent once on connect, with the limits the server enforces.
    case ready(PlaygroundLimits)
    /// The session's normalized config, head and layer sizes, after `configure`.
    case configured(Configured)
    /// The points the page draws (2-D and 1-D), after `configure`.
    case data(PointSets)
    /// The model as it is now.
    case frame(PlaygroundFrame)
    /// What was wrong with the last message, or that training diverged.
    case error(PlaygroundError)

    /// The `configured` message.
    public struct Configured: Encodable, Sendable {
        /// `"configured"`.
        public var type = "configured"
        /// The config with every field filled in.
        public var config: PlaygroundConfig
        /// The head used (never `auto`).
        public var head: String
        /// Why that head fits the task.
        public var headReason: String
        /// Units per layer, inputs first.
        public var layers: [Int]
        /// The number of trainable numbers.
        public var parameters: Int
    }

    /// The `data` message: `[x, y, label]` per 2-D point or `[x, y]` per 1-D sample.
    public struct PointSets: Encodable, Sendable {
        /// `"data"`.
        public var type = "data"
        /// The training points.
        public var train: [[Double?]]
        /// The test points.
        public var test: [[Double?]]
    }

    /// The `configured` message of `session`.
    public static func configured(_ session: PlaygroundSession) -> PlaygroundReply {
        .configured(Configured(
            config: session.config, head: session.head.choice.rawValue, headReason: session.head.reason,
            layers: session.layerSizes, parameters: session.model.parameterCount))
    }

    /// The `data` message of `session`, nil for MNIST (the page shows no points).
    public static func data(_ session: PlaygroundSession) -> PlaygroundReply? {
        guard session.config.dataset != .mnist else { return nil }
        return .data(PointSets(train: session.data.trainPoints.map(SignificantDigits.round),
                               test: session.data.testPoints.map(SignificantDigits.round)))
    }

    /// The message as JSON text.
    public var json: String {
        let encoder = JSONEncoder()
        let encoded: Data?
        switch self {
        case let .ready(limits): encoded = try? encoder.encode(Ready(limits: limits))
        case let .configured(message): encoded = try? encoder.encode(message)
        case let .data(message): encoded = try? encoder.encode(message)
        case let .frame(frame): return frame.json  // by hand: see PlaygroundFrame+JSON.swift
        case let .error(error): encoded = try? encoder.encode(ErrorMessage(code: error.code, message: error.message))
        }
        // Every number was rounded to a finite value or nil, so encoding cannot fail.
        return encoded.flatMap { String(data: $0, encoding: .utf8) } ?? #"{"type":"error","code":"bad-config","message":"could not encode a reply"}"#
    }

    private struct Ready: Encodable {
        var type = "ready"
        var limits: PlaygroundLimits
    }

    private struct ErrorMessage: Encodable {
        var type = "error"
        var code: PlaygroundError.Code
        var message: String
    }
}
