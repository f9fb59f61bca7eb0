import Foundation
import Testing
@testable import NeuritePlaygroundCore

/// Every message of the protocol through the controller, without sockets, and a fuzz test.
@Suite("Playground messages")
struct PlaygroundControllerTests {
    /// The replies as JSON objects.
    static func objects(_ replies: [PlaygroundReply]) throws -> [[String: Any]] {
        try replies.map { try #require(JSONSerialization.jsonObject(with: Data($0.json.utf8)) as? [String: Any]) }
    }

    static func types(_ replies: [PlaygroundReply]) throws -> [String] {
        try objects(replies).map { $0["type"] as? String ?? "?" }
    }

    static func errorCode(_ replies: [PlaygroundReply]) throws -> String? {
        try objects(replies).first { $0["type"] as? String == "error" }?["code"] as? String
    }

    @Test func everyMessageTypeIsAnswered() throws {
        let controller = PlaygroundController()
        let ready = try Self.objects([controller.greeting])[0]
        #expect(ready["type"] as? String == "ready")
        #expect((ready["limits"] as? [String: Any])?["maximumMessageBytes"] as? Int == 65536)
        for type in ["play", "pause", "step", "reset"] {
            #expect(try Self.errorCode(controller.handle(#"{"type": "\#(type)"}"#)) == "not-configured")
        }
        let configured = controller.handle(#"{"type": "configure", "config": {"dataset": "xor", "hidden": [3]}}"#)
        #expect(try Self.types(configured) == ["configured", "data", "frame"])
        let details = try Self.objects(configured)
        #expect(details[0]["layers"] as? [Int] == [2, 3, 1])
        #expect(details[0]["parameters"] as? Int == 2 * 3 + 3 + 3 + 1)
        #expect(details[0]["head"] as? String == "sigmoid")
        #expect((details[0]["headReason"] as? String)?.isEmpty == false)
        #expect((details[0]["config"] as? [String: Any])?["activation"] as? String == "tanh")
        #expect((details[1]["train"] as? [[Double]])?.count == 250)
        #expect((details[1]["train"] as? [[Double]])?.first?.count == 3)
        #expect(details[2]["step"] as? Int == 0 && details[2]["playing"] as? Bool == false)

        let stepped = try Self.objects(controller.handle(#"{"type": "step", "steps": 3}"#))
        #expect(stepped.count == 1 && stepped[0]["step"] as? Int == 3)
        #expect(controller.handle(#"{"type": "play"}"#).isEmpty && controller.isPlaying)
        let slice = try Self.objects(controller.playSlice(duration: .milliseconds(5)))
        #expect(slice.count == 1 && (slice[0]["step"] as? Int ?? 0) > 3 && slice[0]["playing"] as? Bool == true)
        let paused = try Self.objects(controller.handle(#"{"type": "pause"}"#))
        #expect(paused[0]["playing"] as? Bool == false && !controller.isPlaying)
        #expect(controller.playSlice(duration: .milliseconds(5)).isEmpty)
        let reset = try Self.objects(controller.handle(#"{"type": "reset"}"#))
        #expect(reset[0]["step"] as? Int == 0)
        #expect(try Self.types(controller.handle(#"{"type": "configure"}"#)) == ["configured", "data", "frame"])
    }

    @Test func badMessagesGetTheirErrorCodes() throws {
        let controller = PlaygroundController()
        _ = controller.handle(#"{"type": "configure"}"#)
        let cases: [(String, String)] = [
            ("not json", "bad-json"), ("[1, 2]", "bad-json"), (#"{"type": 7}"#, "bad-json"), ("", "bad-json"),
            (#"{"type": "dance"}"#, "unknown-type"),
            (#"{"type": "step", "steps": 0}"#, "limit"), (#"{"type": "step", "steps": 1001}"#, "limit"),
            (#"{"type": "step", "steps": "many"}"#, "bad-config"),
            (#"{"type": "configure", "config": {"hidden": [100]}}"#, "limit"),
            (#"{"type": "configure", "config": {"activation": "swish"}}"#, "bad-config"),
            (#"{"type": "configure", "config": 3}"#, "bad-config"),
            (String(repeating: " ", count: 70_000) + #"{"type": "play"}"#, "limit"),
            (String(repeating: "[", count: 65_000), "bad-json"),
        ]
        for (message, code) in cases {
            #expect(try Self.errorCode(controller.handle(message)) == code, "\(message.prefix(60))")
        }
        #expect(try Self.errorCode(controller.handleBinary()) == "bad-json")
        // A refused configure leaves the session as it was.
        #expect(controller.session?.config == PlaygroundConfig())
    }

    @Test func divergenceGivesANullLossAnErrorAndAPause() throws {
        let controller = PlaygroundController()
        _ = controller.handle(#"{"type": "configure", "config": {"dataset": "function", "function": "square", "range": [-100, 100], "hidden": [8], "activation": "linear", "learningRate": 10}}"#)
        _ = controller.handle(#"{"type": "play"}"#)
        var replies: [PlaygroundReply] = []
        for _ in 0..<20 where controller.isPlaying {
            replies = controller.playSlice(duration: .milliseconds(2))
        }
        let objects = try Self.objects(replies)
        #expect(!controller.isPlaying)
        #expect(objects.map { $0["type"] as? String } == ["frame", "error"])
        #expect(objects[0]["trainLoss"] is NSNull && objects[0]["playing"] as? Bool == false)
        #expect(objects[1]["code"] as? String == "diverged")
        let reset = try Self.objects(controller.handle(#"{"type": "reset"}"#))
        #expect(reset[0]["trainLoss"] as? Double != nil)
    }
}
