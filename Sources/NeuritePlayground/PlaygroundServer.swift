import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NeuritePlaygroundCore

/// The playground's web server: the page's three files, `/health`, and the WebSocket at `/ws`.
struct PlaygroundServer: Sendable {
    /// Where to listen; port 0 picks a free port (tests).
    var host = "127.0.0.1"
    var port = 8080
    /// The most sessions open at once.
    var maximumSessions = 16
    /// A socket silent for this long is closed.
    var idleTimeout: Duration = .seconds(600)
    /// Training time between two frames while playing, while sessions fit the cores (see
    /// ``SessionCounter/sliceDuration(base:shortest:)``): ~40 ms gives 10–30 frames per second
    /// once the frame itself is computed and sent.
    var sliceDuration: Duration = .milliseconds(40)
    var limits = PlaygroundLimits()

    /// The application, ready to run; `onRunning` receives the port it listens on.
    func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        let page = try PageFiles()
        let router = Router()
        for (path, file) in page.byPath {
            router.get(RouterPath(path)) { _, _ in
                Response(status: .ok, headers: [.contentType: file.contentType], body: .init(byteBuffer: ByteBuffer(bytes: file.contents)))
            }
        }
        router.get("/health") { _, _ in "ok" }
        let socket = PlaygroundSocket(
            limits: limits, sessions: SessionCounter(maximum: maximumSessions), idleTimeout: idleTimeout, sliceDuration: sliceDuration)
        var logger = Logger(label: "neurite-playground")
        logger.logLevel = .warning
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(
                configuration: .init(ws: .init(maxFrameSize: PlaygroundSocket.largestReadableMessage))
            ) { request, _, _ in
                guard request.path == "/ws" else { return .dontUpgrade }
                return .upgrade([:]) { inbound, outbound, _ in
                    try await socket.run(inbound: inbound, outbound: outbound)
                }
            },
            configuration: .init(address: .hostname(host, port: port), serverName: "neurite-playground"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}
