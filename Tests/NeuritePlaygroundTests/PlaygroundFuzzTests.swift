import Foundation
import Testing
@testable import NeuritePlaygroundCore

/// 1,000 random and malformed messages leave the controller answering, and its session usable.
@Suite("Playground fuzz")
struct PlaygroundFuzzTests {
    @Test func randomMessagesAreAnsweredAndTheSessionStaysUsable() throws {
        let controller = PlaygroundController()
        var errors = 0, frames = 0
        for message in FuzzMessages(count: 1000, seed: 13) {
            let replies = controller.handle(message)
            for object in try PlaygroundControllerTests.objects(replies) {
                let type = try #require(object["type"] as? String)
                #expect(["configured", "data", "frame", "error"].contains(type))
                if type == "error" { errors += 1 }
                if type == "frame" { frames += 1 }
            }
            // A play must not train here: the transport would slice; keep the test short.
            if controller.isPlaying { _ = controller.handle(#"{"type":"pause"}"#) }
        }
        #expect(errors > 500)
        #expect(frames > 10)
        let configured = try PlaygroundControllerTests.types(controller.handle(#"{"type":"configure","config":{"dataset":"circle"}}"#))
        #expect(configured == ["configured", "data", "frame"])
        let stepped = try PlaygroundControllerTests.objects(controller.handle(#"{"type":"step","steps":2}"#))
        #expect(stepped.count == 1 && stepped[0]["step"] as? Int == 2)
    }
}
