import Foundation
import HummingbirdWebSocket
import NeuritePlaygroundCore

/// The life of one WebSocket: a session, a reader, a trainer, a writer and an idle watch, run
/// together until the page closes the socket or stays silent for `idleTimeout`.
struct PlaygroundSocket: Sendable {
    let limits: PlaygroundLimits
    let sessions: SessionCounter
    let idleTimeout: Duration
    let sliceDuration: Duration
    /// Frames larger than the message limit are read and answered with an `error` frame; beyond
    /// this the WebSocket layer closes the connection (code 1009, message too big).
    static let largestReadableMessage = 1 << 20

    /// Serves one connection.
    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        guard await sessions.enter() else {
            let refusal = PlaygroundError(.limit, "the server has \(sessions.maximum) open sessions, its limit: try again later")
            try await outbound.write(.text(PlaygroundReply.error(refusal).json))
            return
        }
        let connection = PlaygroundConnection(limits: limits)
        do {
            try await serve(connection, inbound: inbound, outbound: outbound)
        } catch {
            await sessions.leave()
            throw error
        }
        await sessions.leave()
    }

    private func serve(_ connection: PlaygroundConnection, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // The writer: every reply, in order.
                for await reply in connection.replies {
                    try await outbound.write(.text(reply))
                    await connection.didSend()
                }
            }
            group.addTask {
                // The reader: ends when the page closes the socket.
                for try await message in inbound.messages(maxSize: Self.largestReadableMessage) {
                    switch message {
                    case let .text(text): await connection.receive(text: text)
                    case .binary: await connection.receiveBinary()
                    }
                }
            }
            group.addTask {
                // The trainer: slices while playing; a short sleep otherwise (or while the page lags).
                while !Task.isCancelled {
                    let duration = await sessions.sliceDuration(base: sliceDuration)
                    if await !connection.playSlice(duration: duration) { try await Task.sleep(for: .milliseconds(10)) }
                    await Task.yield()
                }
            }
            group.addTask {
                // The idle watch.
                while await ContinuousClock.now - connection.lastMessage < idleTimeout {
                    try await Task.sleep(for: .milliseconds(250))
                }
            }
            // The first task to end (the reader at close, or the idle watch) ends the connection.
            _ = try await group.next()
            group.cancelAll()
        }
    }
}
