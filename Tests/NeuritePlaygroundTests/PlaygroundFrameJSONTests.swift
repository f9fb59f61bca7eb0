import Foundation
import Testing
@testable import NeuritePlaygroundCore

/// The hand-written frame JSON is the document `JSONEncoder` writes for the same frame.
@Suite("Playground frame JSON")
struct PlaygroundFrameJSONTests {
    @Test(arguments: [PlaygroundDatasetKind.spiral, .function])
    func handWrittenJSONEqualsTheEncodersDocument(dataset: PlaygroundDatasetKind) throws {
        var config = PlaygroundConfig()
        config.dataset = dataset
        let session = try PlaygroundSession(config: config)
        try session.train(steps: 3)
        var frame = session.frame(playing: true)
        frame.trainLoss = nil  // a diverged loss is written as null
        frame.gradientNorms[0].layer = "quote \" backslash \\ tab \t"
        let handWritten = try JSONSerialization.jsonObject(with: Data(frame.json.utf8)) as? NSDictionary
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(frame)) as? NSDictionary
        #expect(handWritten != nil && handWritten == encoded)
        #expect(frame.json.contains(#""trainLoss":null"#))
    }
}
