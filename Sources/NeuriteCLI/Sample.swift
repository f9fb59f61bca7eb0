import ArgumentParser
import Foundation
import Neurite

/// `neurite sample MODEL`: text written by a model saved by `neurite train text --output`.
struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write text with a character language model saved by train text.")

    @Argument(help: "A model saved by neurite train text --output.")
    var model: String

    @Option(help: "Characters to write after the prime.")
    var length: Int = 200

    @Option(help: "Text the model reads first and continues (its characters must be in the model's vocabulary).")
    var prime: String = ""

    @Option(help: "Sampling temperature: below 1 the likeliest characters dominate, above 1 the text is more varied.")
    var temperature: Float = 0.8

    @Option(help: "Seed for sampling; the same seed writes the same text.")
    var seed: UInt64 = 1

    func validate() throws {
        guard (0...1 << 20).contains(length) else { throw ValidationError("--length must be in 0...1048576") }
        guard temperature > 0, temperature.isFinite else { throw ValidationError("--temperature must be positive") }
    }

    func run() throws {
        let network = try CharacterLanguageModel.load(from: URL(fileURLWithPath: model))
        print(prime + (try network.sample(length: length, prime: prime, temperature: temperature, seed: seed)))
    }
}
