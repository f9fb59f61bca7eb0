import ArgumentParser
import Foundation
import Neurite

/// `neurite train text FILE`: a character-level language model, trained with truncated
/// backpropagation through time, printing the loss and a sample of its writing after each epoch.
struct TrainText: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text",
        abstract: "Train a character-level language model on a text file; print loss and sampled text per epoch.")

    @Argument(help: "A UTF-8 text file, e.g. Corpora/names.txt (the list of names shipped with Neurite).")
    var file: String

    @Option(help: "The recurrent cell: rnn (vanilla, tanh), lstm, gru.")
    var cell: RecurrentCell = .lstm

    @Option(help: "Units of the recurrent layer.")
    var hidden: Int = 128

    @Option(help: "Characters per window: the gradient flows back this many steps; the state carries on across windows.")
    var sequenceLength: Int = 32

    @Option(help: "Parallel streams of the text per step.")
    var batchSize: Int = 32

    @Option(help: "Passes over the text.")
    var epochs: Int = 10

    @OptionGroup(title: "Optimizer")
    var optimization: OptimizerOptions

    @OptionGroup var clippingOptions: ClippingOptions

    @Flag(help: "After each epoch, print every parameter's mean gradient norm (before clipping).")
    var gradientNorms = false

    @Option(help: "Draw weight_hh from N(0, σ²/hidden) instead of PyTorch's uniform. σ above 1 puts a vanilla RNN in the chaotic regime, where gradients explode through time: the clipping demonstration.")
    var recurrentInitScale: Float?

    @Option(help: "Characters sampled after each epoch (0 for none).")
    var sampleLength: Int = 160

    @Option(help: "Sampling temperature: below 1 the likeliest characters dominate, above 1 the text is more varied.")
    var temperature: Float = 0.8

    @Option(help: "Seed for initialization and sampling; the same seed gives the same run.")
    var seed: UInt64 = 1

    @Option(help: "Save the trained model here (safetensors), for neurite sample.")
    var output: String?

    func validate() throws {
        guard epochs > 0 else { throw ValidationError("--epochs must be positive") }
        guard (1...1 << 16).contains(hidden) else { throw ValidationError("--hidden must be in 1...65536") }
        guard (1...1 << 16).contains(sequenceLength) else { throw ValidationError("--sequence-length must be in 1...65536") }
        guard (1...1 << 16).contains(batchSize) else { throw ValidationError("--batch-size must be in 1...65536") }
        guard (0...1 << 20).contains(sampleLength) else { throw ValidationError("--sample-length must be in 0...1048576") }
        guard temperature > 0, temperature.isFinite else { throw ValidationError("--temperature must be positive") }
        if let recurrentInitScale, !(recurrentInitScale > 0 && recurrentInitScale.isFinite) {
            throw ValidationError("--recurrent-init-scale must be positive")
        }
    }

    func run() throws {
        let corpus = try TextCorpus(contentsOf: URL(fileURLWithPath: file))
        let windows = try corpus.windows(batchSize: batchSize, sequenceLength: sequenceLength)
        var model = CharacterLanguageModel(vocabulary: corpus.vocabulary, cell: cell, hiddenSize: hidden, seed: seed)
        if let recurrentInitScale, let weight = model.namedParameters.first(where: { $0.name == "recurrent.weight_hh" }) {
            var generator = RandomGenerator(seed: seed &+ 2)
            weight.parameter.value = Tensor.randomNormal(
                weight.parameter.value.shape, standardDeviation: recurrentInitScale / Float(hidden).squareRoot(), using: &generator)
        }
        var optimizer = optimization.makeOptimizer()
        let schedule = optimization.learningRateSchedule, baseRate = optimization.baseLearningRate
        let clipping = clippingOptions.clipping
        print("model: \(cell.rawValue)(\(hidden)) over one-hot characters, dense(\(corpus.vocabulary.count))  (\(model.parameterCount) parameters)")
        print("data: \(file), \(corpus.ids.count) characters, vocabulary \(corpus.vocabulary.count); \(windows.count) windows of "
            + "\(batchSize)×\(sequenceLength) per epoch; \(optimization.summary)"
            + (clippingOptions.clipNorm.map { ", clip-norm \($0)" } ?? clippingOptions.clipValue.map { ", clip-value \($0)" } ?? "") + ", seed \(seed)")

        let progress = ProgressBar(total: windows.count)
        for epoch in 1...epochs {
            let started = ContinuousClock.now
            progress.start(label: "epoch \(epoch)/\(epochs)")
            let summary = try trainEpoch(
                &model, optimizer: &optimizer, on: windows, clipping: clipping, recordingGradientNorms: gradientNorms,
                learningRate: { window in
                    schedule.learningRate(base: baseRate, step: (epoch - 1) * windows.count + window, stepsPerEpoch: windows.count, epochs: epochs)
                },
                progress: progress.update)
            let seconds = (ContinuousClock.now - started).seconds
            progress.finish()
            print(String(
                format: "epoch %d/%d  loss %.4f  (%.3f bits/character)  next-character accuracy %.2f%%  %.2fs  (%.0f characters/s)",
                epoch, epochs, summary.loss, summary.loss / log(2), 100 * summary.accuracy, seconds,
                Double(windows.count * batchSize * sequenceLength) / seconds))
            for (name, norm) in summary.gradientNorms {
                print("  gradient norm  " + name.padding(toLength: 24, withPad: " ", startingAt: 0) + String(format: "%.3e", norm))
            }
            if sampleLength > 0 {
                let text = try model.sample(length: sampleLength, prime: "", temperature: temperature, seed: seed &+ UInt64(epoch))
                print("  sample: " + text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: " ⏎ "))
            }
        }
        if let output {
            try model.save(to: URL(fileURLWithPath: output))
            print("saved \(output)")
        }
    }
}

extension RecurrentCell: ExpressibleByArgument {}
