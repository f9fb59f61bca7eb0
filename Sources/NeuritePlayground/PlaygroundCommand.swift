import ArgumentParser
import Foundation
import Hummingbird

/// `neurite-playground`: serves the Neurite Playground, a page where the real engine trains small
/// networks live (see `docs/playground-protocol.md`).
@main
struct PlaygroundCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neurite-playground",
        abstract: "Serve the Neurite Playground: train networks in the browser and watch every part of them learn.")

    @Option(help: "The port to listen on (0: any free port).")
    var port = 8080

    @Option(help: "The address to listen on; the default serves this machine only.")
    var host = "127.0.0.1"

    @Option(help: "The most sessions (browser tabs) open at once.")
    var maxSessions = 16

    @Option(help: "Close a session whose page has sent nothing for this many seconds.")
    var idleTimeout = 600

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 … 65535, got \(port)") }
        guard (1...1000).contains(maxSessions) else { throw ValidationError("--max-sessions must be 1 … 1000, got \(maxSessions)") }
        guard (1...86400).contains(idleTimeout) else { throw ValidationError("--idle-timeout must be 1 … 86400 seconds, got \(idleTimeout)") }
        guard !host.isEmpty else { throw ValidationError("--host must name an address") }
    }

    func run() async throws {
        let server = PlaygroundServer(host: host, port: port, maximumSessions: maxSessions, idleTimeout: .seconds(idleTimeout))
        let host = host, listening = ListeningFlag()
        let application = try server.application { port in
            listening.set()
            // Written at once, unbuffered: scripts wait for this line through a pipe. (write(2),
            // not FileHandle.write, which stops the process when standard output is unwritable.)
            _ = "Neurite Playground: http://\(host):\(port)\n".withCString { write(STDOUT_FILENO, $0, strlen($0)) }
        }
        do { try await application.runService() } catch where !listening.isSet {
            throw ListenError(host: host, port: port, underlying: error)
        }
    }
}

/// The server could not start listening: names the options to change and why, in place of
/// SwiftNIO's "bind(descriptor:ptr:bytes:): Address already in use) (errno: 98)".
struct ListenError: Error, CustomStringConvertible {
    let host: String, port: Int, underlying: any Error

    var description: String {
        let text = "\(underlying)"
        let reason: String
        if let match = text.firstMatch(of: /errno: (\d+)/), let code = Int32(match.1) {
            reason = String(cString: strerror(code)).lowercased()
        } else if text.contains("UnknownHost") {
            reason = "no such host"
        } else {
            reason = text
        }
        return "--host \(host) --port \(port): cannot listen there, \(reason)"
    }
}

/// Whether the server reached the point of listening, set from SwiftNIO's thread.
private final class ListeningFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
