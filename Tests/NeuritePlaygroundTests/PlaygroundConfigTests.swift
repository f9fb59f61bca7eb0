import Foundation
import Testing
@testable import NeuritePlaygroundCore

/// Decoding a configuration from the page's JSON, its defaults, and every limit it is checked against.
@Suite("Playground config")
struct PlaygroundConfigTests {
    private func decode(_ json: String) throws -> PlaygroundConfig {
        try JSONDecoder().decode(PlaygroundConfig.self, from: Data(json.utf8))
    }

    private func code(of json: String) throws -> PlaygroundError.Code? {
        do {
            _ = try decode(json).validated()
            return nil
        } catch let error as PlaygroundError {
            return error.code
        }
    }

    @Test func missingFieldsTakeTheProtocolDefaults() throws {
        let config = try decode("{}").validated()
        #expect(config == PlaygroundConfig())
        #expect(config.dataset == .circle && config.hidden == [4, 2] && config.samples == 500 && config.features == [.x, .y])
        let digits = try decode(#"{"dataset": "mnist"}"#).validated()
        #expect(digits.samples == 5000 && digits.hidden == [32])
        let explicit = try decode(#"{"dataset": "mnist", "hidden": [], "samples": 100}"#).validated()
        #expect(explicit.samples == 100 && explicit.hidden.isEmpty)
    }

    @Test func featuresAreDeduplicatedInCanonicalOrder() throws {
        let config = try decode(#"{"features": ["xy", "x", "xy", "sinx"]}"#).validated()
        #expect(config.features == [.x, .xy, .sinx])
    }

    @Test func everyLimitIsChecked() throws {
        #expect(try code(of: #"{"samples": 9}"#) == .limit)
        #expect(try code(of: #"{"samples": 2001}"#) == .limit)
        #expect(try code(of: #"{"dataset": "mnist", "samples": 10001}"#) == .limit)
        #expect(try code(of: #"{"hidden": [1, 1, 1, 1, 1, 1, 1]}"#) == .limit)
        #expect(try code(of: #"{"hidden": [33]}"#) == .limit)
        #expect(try code(of: #"{"hidden": [0]}"#) == .limit)
        #expect(try code(of: #"{"dataset": "mnist", "hidden": [129]}"#) == .limit)
        #expect(try code(of: #"{"dataset": "mnist", "hidden": [8, 8, 8]}"#) == .limit)
        #expect(try code(of: #"{"batchSize": 0}"#) == .limit)
        #expect(try code(of: #"{"batchSize": 1001}"#) == .limit)
        #expect(try code(of: #"{"noise": 0.51}"#) == .badConfig)
        #expect(try code(of: #"{"noise": -0.1}"#) == .badConfig)
        #expect(try code(of: #"{"trainFraction": 0.95}"#) == .badConfig)
        #expect(try code(of: #"{"features": []}"#) == .badConfig)
        #expect(try code(of: #"{"learningRate": 0}"#) == .badConfig)
        #expect(try code(of: #"{"learningRate": 10.5}"#) == .badConfig)
        #expect(try code(of: #"{"clipping": {"mode": "norm"}}"#) == .badConfig)
        #expect(try code(of: #"{"clipping": {"mode": "value", "limit": -1}}"#) == .badConfig)
        #expect(try code(of: #"{"seed": -1}"#) == .badConfig)
        #expect(try code(of: #"{"seed": 2147483649}"#) == .badConfig)
        #expect(try code(of: #"{"dataset": "function", "range": [3, -3]}"#) == .badConfig)
        #expect(try code(of: #"{"dataset": "function", "range": [0]}"#) == .badConfig)
        #expect(try code(of: #"{"dataset": "function", "range": [-1000, 0]}"#) == .badConfig)
        #expect(try code(of: #"{"dataset": "function", "head": "softmax"}"#) == .badConfig)
        #expect(try code(of: #"{"clipping": {"mode": "norm", "limit": 5}, "seed": 2147483648}"#) == nil)
    }

    @Test func wrongTypesAndUnknownNamesFailToDecode() {
        for json in [#"{"dataset": "moons"}"#, #"{"hidden": "4,2"}"#, #"{"seed": 1.5}"#, #"{"features": ["z"]}"#] {
            #expect(throws: DecodingError.self) { try decode(json) }
        }
    }

    @Test func headsFollowTheTaskAndSayWhy() throws {
        #expect(try PlaygroundHead(choice: .auto, dataset: .spiral).choice == .sigmoid)
        #expect(try PlaygroundHead(choice: .auto, dataset: .function).choice == .linear)
        let digits = try PlaygroundHead(choice: .auto, dataset: .mnist)
        #expect(digits.choice == .softmax && digits.outputUnits == 10)
        #expect(digits.reason.contains("softmax"))
        #expect(try PlaygroundHead(choice: .softmax, dataset: .xor).outputUnits == 2)
        #expect(try PlaygroundHead(choice: .relu, dataset: .function).reason.contains("≥ 0"))
    }
}
