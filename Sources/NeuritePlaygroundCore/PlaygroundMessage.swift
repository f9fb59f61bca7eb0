import Foundation

/// A message from the page, decoded and checked: anything else is a ``PlaygroundError``.
public enum PlaygroundMessage: Equatable, Sendable {
    /// Build the data set and model of this configuration (not yet validated).
    case configure(PlaygroundConfig)
    /// Train continuously.
    case play
    /// Stop training.
    case pause
    /// Train this many steps (within the limits), then answer one frame.
    case step(Int)
    /// Draw the initial weights again.
    case reset

    /// The message in `text`, a JSON object with a `"type"`.
    /// - Throws: ``PlaygroundError``: `limit` for text over the message limit, `bad-json` for text
    ///   that is not a JSON object with a string `"type"`, `unknown-type`, `bad-config` for a
    ///   field of the wrong type, `limit` for a step count outside the limits.
    public init(json text: String, limits: PlaygroundLimits = PlaygroundLimits()) throws {
        let bytes = Data(text.utf8)
        guard bytes.count <= limits.maximumMessageBytes else {
            throw PlaygroundError(.limit, "messages are at most \(limits.maximumMessageBytes) bytes, got \(bytes.count)")
        }
        let decoder = JSONDecoder()
        guard let envelope = try? decoder.decode(Envelope.self, from: bytes) else {
            throw PlaygroundError(.badJSON, "expected a JSON object with a string \"type\"")
        }
        switch envelope.type {
        case "configure":
            let message = try Self.decode(Configure.self, from: bytes, with: decoder)
            self = .configure(message.config ?? PlaygroundConfig())
        case "play": self = .play
        case "pause": self = .pause
        case "reset": self = .reset
        case "step":
            let steps = try Self.decode(Step.self, from: bytes, with: decoder).steps ?? 1
            guard limits.stepsPerMessage.contains(steps) else {
                throw PlaygroundError(.limit, "steps must be \(limits.stepsPerMessage.lowerBound) … \(limits.stepsPerMessage.upperBound), got \(steps)")
            }
            self = .step(steps)
        default:
            throw PlaygroundError(.unknownType, "unknown message type \"\(envelope.type.prefix(40))\": expected configure, play, pause, step or reset")
        }
    }

    /// `Message` from `bytes`, a decoding failure explained by the field it concerns.
    private static func decode<Message: Decodable>(_ type: Message.Type, from bytes: Data, with decoder: JSONDecoder) throws -> Message {
        do {
            return try decoder.decode(Message.self, from: bytes)
        } catch let error as DecodingError {
            throw PlaygroundError(.badConfig, error.explanation(document: "message"))
        }
    }

    private struct Envelope: Decodable { let type: String }
    private struct Configure: Decodable { let config: PlaygroundConfig? }
    private struct Step: Decodable { let steps: Int? }
}
