import NeuritePlaygroundCore

/// One WebSocket's session, isolated in an actor: its messages and its training slices take
/// turns, and both run on Swift's concurrency pool, never on the NIO event loops, so that a
/// session that trains does not hold up the sockets of the others.
///
/// Replies are not written from here but queued in order on ``replies``: a single writer task
/// sends them, so that a frame of a slice can never overtake the reply to a `pause` sent after it.
actor PlaygroundConnection {
    /// The replies, JSON text, in the order the session produced them.
    nonisolated let replies: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation
    private let controller: PlaygroundController
    /// Replies queued but not yet written: training waits while the page lags behind.
    private(set) var unsent = 0
    /// When the page last sent a message.
    private(set) var lastMessage = ContinuousClock.now

    /// A connection checking `limits`.
    init(limits: PlaygroundLimits) {
        (replies, continuation) = AsyncStream.makeStream(of: String.self)
        controller = PlaygroundController(limits: limits)
        continuation.yield(controller.greeting.json)
        unsent = 1
    }

    /// Answers one text message.
    func receive(text: String) {
        lastMessage = .now
        send(controller.handle(text))
    }

    /// Answers one binary message (refused: the protocol is text).
    func receiveBinary() {
        lastMessage = .now
        send(controller.handleBinary())
    }

    /// One slice of training (about `duration`) and its frame, when playing and the page keeps up.
    /// - Returns: whether it trained.
    func playSlice(duration: Duration) -> Bool {
        guard controller.isPlaying, unsent <= 1 else { return false }
        send(controller.playSlice(duration: duration))
        return true
    }

    /// Called by the writer after each reply it wrote.
    func didSend() {
        unsent -= 1
    }

    /// No more replies (the connection is closing).
    func finish() {
        continuation.finish()
    }

    private func send(_ replies: [PlaygroundReply]) {
        for reply in replies {
            continuation.yield(reply.json)
            unsent += 1
        }
    }
}
