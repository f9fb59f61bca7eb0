/// The server side of one connection, without the socket: turns the page's messages into session
/// calls and replies, and trains while playing.
///
/// The transport calls ``handle(_:)`` for each text message, ``handleBinary()`` for a binary one,
/// and, while ``isPlaying``, ``playSlice(duration:)`` in a loop, sending every reply in order.
/// Nothing the page sends can stop it: every problem becomes an `error` reply and leaves the
/// session as it was (an unconfigured controller stays unconfigured).
public final class PlaygroundController {
    /// The limits every configuration and message is checked against.
    public let limits: PlaygroundLimits
    /// The current session, nil until the first valid `configure`.
    public private(set) var session: PlaygroundSession?
    /// Whether training continues between messages.
    public private(set) var isPlaying = false

    /// A controller enforcing `limits`.
    public init(limits: PlaygroundLimits = PlaygroundLimits()) {
        self.limits = limits
    }

    /// The `ready` message, sent once on connect.
    public var greeting: PlaygroundReply { .ready(limits) }

    /// The replies to one text message.
    public func handle(_ text: String) -> [PlaygroundReply] {
        do {
            return try respond(to: PlaygroundMessage(json: text, limits: limits))
        } catch let error as PlaygroundError {
            return [.error(error)]
        } catch {
            return [.error(PlaygroundError(.badConfig, "\(error)"))]
        }
    }

    /// The reply to a binary message: the protocol is text only.
    public func handleBinary() -> [PlaygroundReply] {
        [.error(PlaygroundError(.badJSON, "binary messages are not part of the protocol: send JSON text"))]
    }

    /// One slice of training while playing (about `duration`), then its frame; pauses and
    /// reports `diverged` when the loss stops being finite. Nothing while paused.
    public func playSlice(duration: Duration) -> [PlaygroundReply] {
        guard isPlaying, let session else { return [] }
        return train(session) { try session.train(for: duration) }
    }

    private func respond(to message: PlaygroundMessage) throws -> [PlaygroundReply] {
        if case let .configure(config) = message {
            let session = try PlaygroundSession(config: config, limits: limits)
            self.session = session
            isPlaying = false
            return [.configured(session)] + [PlaygroundReply.data(session)].compactMap { $0 } + [.frame(session.frame(playing: false))]
        }
        guard let session else {
            throw PlaygroundError(.notConfigured, "send configure first: there is no model yet")
        }
        switch message {
        case .play:
            isPlaying = true
            return []
        case .pause:
            isPlaying = false
            return [.frame(session.frame(playing: false))]
        case let .step(count):
            isPlaying = false
            return train(session) { try session.train(steps: count) }
        case .reset:
            session.reset()
            return [.frame(session.frame(playing: isPlaying))]
        case .configure:
            preconditionFailure("configure is answered above")
        }
    }

    /// Runs `training`, then the frame; a diverged loss (in a batch, or over the whole training
    /// set after the update) pauses and adds a `diverged` error.
    private func train(_ session: PlaygroundSession, _ training: () throws -> Void) -> [PlaygroundReply] {
        var failure: PlaygroundError?
        do {
            try training()
        } catch let error as PlaygroundError {
            failure = error
        } catch {
            failure = PlaygroundError(.diverged, "training stopped: \(error)")
        }
        var frame = session.frame(playing: isPlaying)
        if failure == nil, frame.trainLoss == nil {
            failure = PlaygroundError(.diverged, "the training loss is no longer finite at step \(session.step): lower the learning rate, clip gradients or reset")
        }
        guard let failure else { return [.frame(frame)] }
        isPlaying = false
        frame.playing = false
        return [.frame(frame), .error(failure)]
    }
}
