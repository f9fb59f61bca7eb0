import ArgumentParser
import Foundation
import Neurite

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a network on a dataset and report loss and accuracy per epoch.")

    enum DatasetName: String, ExpressibleByArgument, CaseIterable { case mnist }

    @Argument(help: "The dataset: mnist (the copy shipped with Neurite, or --data-dir).")
    var dataset: DatasetName

    @Option(help: "The architecture, e.g. \"dense(128, relu) dense(10)\", lenet (LeNet-5), or the name of a file holding one. Default: an MLP built from --hidden and --activation.")
    var model: String?

    @Option(parsing: .upToNextOption, help: "Hidden layer sizes of the default MLP.")
    var hidden: [Int] = [128]

    @Option(help: "Activation of the hidden layers: relu, sigmoid, tanh, linear.")
    var activation: Activation = .relu

    @Option(help: "Weight initializer: he, he-uniform, xavier, xavier-normal, small-random, zeros. Default: he for relu, xavier otherwise.")
    var initializer: InitializerName?

    @Option(help: "Passes over the training set.")
    var epochs: Int = 5

    @Option(help: "Samples per gradient step.")
    var batchSize: Int = 64

    @OptionGroup(title: "Optimizer")
    var optimization: OptimizerOptions

    @Option(help: "Scale gradients to at most this global norm before each step.")
    var clipNorm: Float?

    @Option(help: "Limit every gradient component to [-N, N] before each step.")
    var clipValue: Float?

    @Flag(help: "After each epoch, print every parameter's mean gradient norm (to see gradients vanish or explode).")
    var gradientNorms = false

    @Option(help: "Seed for initialization and shuffling; the same seed gives the same run.")
    var seed: UInt64 = 1

    @Option(help: "A directory with the four MNIST-format files (e.g. Fashion-MNIST) instead of the bundled copy.")
    var dataDir: String?

    @Option(help: "Save the trained model here (safetensors).")
    var output: String?

    func validate() throws {
        guard epochs > 0 else { throw ValidationError("--epochs must be positive") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        guard hidden.allSatisfy({ $0 > 0 }) else { throw ValidationError("--hidden sizes must be positive") }
        if activation == .softmax { throw ValidationError("--activation softmax is for output layers only") }
        if clipNorm != nil && clipValue != nil { throw ValidationError("use either --clip-norm or --clip-value, not both") }
        if let limit = clipNorm ?? clipValue, !(limit > 0) { throw ValidationError("clipping limits must be positive") }
    }

    func run() throws {
        let description = try architectureDescription()
        let data = try loadData()
        var network = try description.build(inputShape: data.train.sampleShape, seed: seed)
        var optimizer = ScheduledOptimizer(
            optimization.makeOptimizer(), schedule: optimization.learningRateSchedule, baseLearningRate: optimization.baseLearningRate,
            stepsPerEpoch: (data.train.count + batchSize - 1) / batchSize, epochs: epochs)
        print("model: \(description)  (\(network.parameterCount) parameters)")
        print("data: \(data.train.count) training and \(data.test.count) test samples; batch \(batchSize), \(optimization.summary), seed \(seed)")

        network.setMode(.training)  // dropout and batch normalisation train on batch statistics
        let progress = ProgressBar(total: data.train.count)
        for epoch in 1...epochs {
            let started = ContinuousClock.now
            progress.start(label: "epoch \(epoch)/\(epochs)")
            let summary = try trainEpoch(
                &network, optimizer: &optimizer, on: data.train, batchSize: batchSize, seed: seed &+ UInt64(epoch),
                clipping: clipNorm.map(GradientClipping.norm) ?? clipValue.map(GradientClipping.value),
                recordingGradientNorms: gradientNorms, progress: progress.update)
            let seconds = (ContinuousClock.now - started).seconds
            let testAccuracy = try network.accuracy(on: data.test)
            progress.finish()
            print(String(
                format: "epoch %d/%d  lr %.4f  loss %.4f  train %.2f%%  test %.2f%%  %.2fs  (%.0f samples/s)",
                epoch, epochs, optimizer.learningRate, summary.loss, 100 * summary.accuracy, 100 * testAccuracy, seconds, Double(data.train.count) / seconds))
            for (name, norm) in summary.gradientNorms {
                print("  gradient norm  " + name.padding(toLength: 24, withPad: " ", startingAt: 0) + String(format: "%.3e", norm))
            }
            // Piped (as `neurite bench --time-to-accuracy` reads it), stdout is block-buffered: each epoch's line now.
            fflush(nil)
        }
        if let output {
            try network.save(to: URL(fileURLWithPath: output), metadata: [
                "neurite.architecture": description.description,
                "neurite.input-shape": data.train.sampleShape.map(String.init).joined(separator: ","),
            ])
            print("saved \(output)")
        }
    }

    private func architectureDescription() throws -> Architecture {
        if let model {
            if model.lowercased() == "lenet" { return try Architecture(Architecture.leNet5) }
            let text = FileManager.default.fileExists(atPath: model) ? try String(contentsOfFile: model, encoding: .utf8) : model
            return try Architecture(text)
        }
        let initializerWord = initializer.map { ", \($0.rawValue)" } ?? ""
        let hiddenLayers = hidden.map { "dense(\($0), \(activation.rawValue)\(initializerWord))" }
        return try Architecture((hiddenLayers + ["dense(10\(initializerWord.isEmpty ? "" : ", linear" + initializerWord))"]).joined(separator: " "))
    }

    private func loadData() throws -> MNIST {
        try MNIST.load(from: dataDir.map { URL(fileURLWithPath: $0, isDirectory: true) })
    }
}

extension Activation: ExpressibleByArgument {}

enum InitializerName: String, ExpressibleByArgument, CaseIterable {
    case he, heUniform = "he-uniform", xavier, xavierNormal = "xavier-normal", smallRandom = "small-random", zeros
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
