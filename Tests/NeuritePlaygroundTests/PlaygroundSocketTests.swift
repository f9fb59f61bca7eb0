import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import Testing
@testable import NeuritePlayground

/// The real server on an ephemeral loopback port, spoken to over a real WebSocket.
@Suite("Playground server", .timeLimit(.minutes(1)))
struct PlaygroundSocketTests {
    /// Reads the server's messages as JSON objects.
    struct Reader {
        var iterator: WebSocketInboundMessageStream.AsyncIterator

        init(_ inbound: WebSocketInboundStream) {
            iterator = inbound.messages(maxSize: 1 << 24).makeAsyncIterator()
        }

        /// The next message, nil when the server closed the socket.
        mutating func next() async throws -> [String: Any]? {
            guard let message = try await iterator.next() else { return nil }
            guard case let .text(text) = message else { return ["type": "binary"] }
            return try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }

        /// The first message of `type` for which `where` holds, skipping others.
        mutating func next(_ type: String, where condition: ([String: Any]) -> Bool = { _ in true }) async throws -> [String: Any] {
            while let message = try await next() {
                if message["type"] as? String == type, condition(message) { return message }
            }
            throw CancellationError()
        }
    }

    static let client = WebSocketClientConfiguration(maxFrameSize: 1 << 22, closeTimeout: .seconds(1))
    static let logger = Logger(label: "playground-test")

    @Test func servesThePageAndTheProtocol() async throws {
        let application = try PlaygroundServer().application()
        try await application.test(.live) { client in
            try await client.execute(uri: "/health", method: .get) { #expect(String(buffer: $0.body) == "ok") }
            try await client.execute(uri: "/", method: .get) { #expect(String(buffer: $0.body).contains("playground.js")) }
            try await client.execute(uri: "/playground.js", method: .get) { #expect($0.status == .ok) }
            let port = try #require(client.port)
            try await WebSocketClient.connect(url: "ws://localhost:\(port)/ws", configuration: Self.client, logger: Self.logger) { inbound, outbound, _ in
                var reader = Reader(inbound)
                #expect(try await reader.next()?["type"] as? String == "ready")
                try await outbound.write(.text(#"{"type":"configure","config":{"dataset":"spiral","samples":100,"hidden":[6]}}"#))
                #expect(try await reader.next("configured")["layers"] as? [Int] == [2, 6, 1])
                #expect(try await reader.next("frame")["step"] as? Int == 0)
                try await outbound.write(.text(#"{"type":"step","steps":3}"#))
                #expect(try await reader.next("frame")["step"] as? Int == 3)
                try await outbound.write(.text("{{ garbage"))
                #expect(try await reader.next()?["code"] as? String == "bad-json")
                try await outbound.write(.binary(ByteBuffer(bytes: [0, 1, 2])))
                #expect(try await reader.next()?["code"] as? String == "bad-json")
                try await outbound.write(.text(String(repeating: "x", count: 70_000)))
                #expect(try await reader.next()?["code"] as? String == "limit")

                try await outbound.write(.text(#"{"type":"play"}"#))
                var steps: [Int] = []
                for _ in 0..<3 { steps.append(try await reader.next("frame")["step"] as? Int ?? 0) }
                #expect(steps == steps.sorted() && steps[0] > 3)
                try await outbound.write(.text(#"{"type":"pause"}"#))
                _ = try await reader.next("frame") { $0["playing"] as? Bool == false }

                // 1,000 random and malformed messages, then the session still answers.
                for message in FuzzMessages(count: 1000, seed: 7) { try await outbound.write(.text(message)) }
                try await outbound.write(.text(#"{"type":"configure","config":{"dataset":"xor","samples":60,"seed":77}}"#))
                _ = try await reader.next("configured") { ($0["config"] as? [String: Any])?["seed"] as? Int == 77 }
                try await outbound.write(.text(#"{"type":"step","steps":2}"#))
                #expect(try await reader.next("frame") { $0["step"] as? Int == 2 }["trainLoss"] as? Double != nil)
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
    }

    /// The session limit and the slices' share of the cores (the refusal and the idle close over a
    /// real socket are checked by hand, see the report of issue 13).
    @Test func countsSessionsAndSharesTheCores() async throws {
        let counter = SessionCounter(maximum: 2)
        let first = await counter.enter(), second = await counter.enter(), third = await counter.enter()
        #expect(first && second && !third)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let crowded = await counter.sliceDuration(base: .milliseconds(40))
        #expect(crowded == (cores >= 2 ? .milliseconds(40) : .milliseconds(20)))
        await counter.leave()
        let again = await counter.enter()
        #expect(again)
        #expect(await counter.open == 2)
    }
}
