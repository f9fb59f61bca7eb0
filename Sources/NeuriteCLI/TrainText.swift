import ArgumentParser
import Foundation
import Neurite

/// `neurite train text FILE`: a character-level language model, trained with truncated
/// backpropagation through time, printing the loss and a sample of its writing after each epoch.
/// It trains with ``CharacterLanguageModel/fit(_:optimizer:epochs:validationWindows:callbacks:seed:clipping:schedule:recordingGradientNorms:diagnostics:resumingFrom:)``,
/// the epoch driver and loop of every `neurite train`, so validation, early stopping,
/// checkpoints and resuming work as for mnist and csv.
struct TrainText: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text",
        abstract: "Train a character-level language model on a text file; print loss and sampled text per epoch.")

    @Argument(help: "A UTF-8 text file, e.g. Corpora/names.txt (the list of names shipped with Neurite); - reads standard input.")
    var file: String

    @Option(help: "The recurrent cell: rnn (vanilla, tanh), lstm, gru.")
    var cell: RecurrentCell = .lstm

    @Option(help: "Units of the recurrent layer.")
    var hidden: Int = 128

    @Option(help: "Characters per window: the gradient flows back this many steps; the state carries on across windows.")
    var sequenceLength: Int = 32

    @Option(help: "Parallel streams of the text per step.")
    var batchSize: Int = 16

    @Option(help: "Passes over the text.")
    var epochs: Int = 10

    @OptionGroup(title: "Optimizer")
    var optimization: OptimizerOptions<TextDefaults>

    @OptionGroup var clippingOptions: ClippingOptions

    @OptionGroup(title: "Validation, early stopping, checkpoints")
    var runOptions: RunOptions

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
        try OutputProbe.check(output, notOverwriting: [file])
        try OutputProbe.checkFolder(runOptions.checkpoint, option: "--checkpoint")
        let whole = try TextCorpus(contentsOf: InputPath.url(file))
        let (corpus, held) = try runOptions.validationSplit.map { try whole.split(validationFraction: $0) } ?? (whole, nil)
        let windows = try corpus.windows(batchSize: batchSize, sequenceLength: sequenceLength)
        let validationWindows = try held.map { try $0.windows(batchSize: 1, sequenceLength: sequenceLength) }
        let model = CharacterLanguageModel(vocabulary: whole.vocabulary, cell: cell, hiddenSize: hidden, seed: seed)
        if let recurrentInitScale, let weight = model.namedParameters.first(where: { $0.name == "recurrent.weight_hh" }) {
            var generator = RandomGenerator(seed: seed &+ 2)
            weight.parameter.value = Tensor.randomNormal(
                weight.parameter.value.shape, standardDeviation: recurrentInitScale / Float(hidden).squareRoot(), using: &generator)
        }
        try OutputProbe.checkRoom(output, parameters: model.parameterCount)
        print("model: \(model.headline)  (\(model.parameterCount) parameters)")
        print("data: \(file), \(corpus.ids.count) characters, vocabulary \(whole.vocabulary.count); \(windows.count) window\(windows.count == 1 ? "" : "s") of "
            + "\(batchSize)×\(sequenceLength) per epoch; \(optimization.summary)"
            + (clippingOptions.clipNorm.map { ", clip-norm \($0)" } ?? clippingOptions.clipValue.map { ", clip-value \($0)" } ?? "") + ", seed \(seed)")
        if let held { print("validation: the last \(held.ids.count) characters, read as one stream") }
        if let resume = runOptions.resume { print("resuming from \(resume)") }

        let parameterNames = model.namedParameters.map(\.name)
        let report = EpochEndCallback { record, run in
            print(String(
                format: "epoch %ld/%ld  loss %.4f  (%.3f bits/character)  next-character accuracy %.2f%%  %.2fs  (%.0f characters/s)",
                record.epoch, run.epochs, record.loss, record.loss / log(2), 100 * (record.metrics["accuracy"] ?? 0), record.seconds,
                Double(run.samplesPerEpoch) / record.seconds))
            if let loss = record.validationLoss {
                print(String(format: "  validation loss %.4f  (%.3f bits/character)  next-character accuracy %.2f%%",
                             loss, loss / log(2), 100 * (record.validationMetrics["accuracy"] ?? 0)))
            }
            for name in parameterNames {
                guard let norm = record.gradientNorms[name] else { continue }
                print("  gradient norm  " + name.padding(toLength: 24, withPad: " ", startingAt: 0) + String(format: "%.3e", norm))
            }
            if sampleLength > 0 {
                let text = try model.sample(length: sampleLength, prime: "", temperature: temperature, seed: seed &+ UInt64(record.epoch))
                print("  sample: " + text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: " ⏎ "))
            }
        }
        try model.fit(
            windows, optimizer: optimization.makeOptimizer(), epochs: epochs, validationWindows: validationWindows,
            callbacks: [ProgressBarCallback(), report] + runOptions.callbacks, seed: seed, clipping: clippingOptions.clipping,
            schedule: optimization.learningRateSchedule, recordingGradientNorms: gradientNorms, resumingFrom: runOptions.resumeDirectory)
        if let output {
            try model.save(to: URL(fileURLWithPath: output))
            print("saved \(output)")
        }
    }
}

extension RecurrentCell: ExpressibleByArgument {}
