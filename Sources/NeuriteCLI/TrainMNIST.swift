import ArgumentParser
import Foundation
import Neurite
import NeuriteLab

struct TrainMNIST: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnist",
        abstract: "Train a classifier on MNIST (the bundled copy, or --data-dir) and report loss and accuracy per epoch.")

    @Option(help: "The architecture, e.g. \"dense(128, relu) dense(10)\", lenet (LeNet-5), or the name of a file holding one. Default: an MLP built from --hidden and --activation.")
    var model: String?

    @Option(parsing: .upToNextOption, help: "Hidden layer sizes of the default MLP.")
    var hidden: [Int] = [128]

    @Option(help: "Activation of the hidden layers: relu, sigmoid, tanh, linear.")
    var activation: Activation = .relu

    @Option(help: "Weight initializer: he, he-uniform, xavier, xavier-normal, small-random, zeros. Default: he for relu, xavier otherwise.")
    var initializer: InitializerName?

    @OptionGroup(title: "Optimizer")
    var optimization: OptimizerOptions<ImageAndTableDefaults>

    @OptionGroup var training: TrainingOptions

    @OptionGroup(title: "Under mpirun")
    var distributed: DistributedOptions

    @Option(help: "A directory with the four MNIST-format files (e.g. Fashion-MNIST) instead of the bundled copy.")
    var dataDir: String?

    @Option(help: "Record per-layer diagnostics every 50 steps (gradient norm, max |g|, update-to-weight ratio, activation mean and std, dead ReLU units) to this JSON-lines file, and print warnings when gradients vanish or explode or units stay identical.")
    var diagnostics: String?

    @Option(help: "Draw the loss and accuracy curves (train and test), the diagnostics over time and the first-layer weights as PNGs into this directory.")
    var plots: String?

    func validate() throws {
        guard hidden.allSatisfy({ $0 > 0 }) else { throw ValidationError("--hidden sizes must be positive") }
        if activation == .softmax { throw ValidationError("--activation softmax is for output layers only") }
    }

    func run() throws {
        let communicator = try DistributedRun.begin(distributed)
        try DistributedRun.run(on: communicator) { try train(on: communicator) }
    }

    private func train(on communicator: Communicator) throws {
        let description = try architectureDescription()
        // The data files are inputs too: `--output` must not replace the MNIST copy.
        let dataFiles = MNIST.files(in: dataDir.map { URL(fileURLWithPath: $0, isDirectory: true) }).map(\.path)
        try OutputProbe.check(training.output, notOverwriting: dataFiles)
        try OutputProbe.checkFolder(training.run.checkpoint, option: "--checkpoint")
        try OutputProbe.checkFolder(plots, option: "--plots")
        let data = try MNIST.load(from: dataDir.map { URL(fileURLWithPath: $0, isDirectory: true) })
        let network = try training.buildModel(trainingOn: data.train.count) {
            try description.buildClassifier(inputShape: data.train.sampleShape, classes: MNIST.classCount, seed: training.seed, batchSize: $0)
        }
        let optimizer = optimization.makeOptimizer()
        try OutputProbe.checkRoom(training.output, parameters: network.parameterCount)
        print("model: \(description)  (\(network.parameterCount) parameters)")
        print("data: \(data.train.count) training and \(data.test.count) test samples; batch \(training.batchSize), \(optimization.summary), seed \(training.seed)")
        if let split = training.validationSplit {
            print("validation: \(Int(Double(data.train.count) * split)) of the training samples held out (drawn with the seed)")
        }
        if let resume = training.resume { print("resuming from \(resume)") }

        let recorder = try communicator.isLeader && (diagnostics != nil || plots != nil) ? TrainingDiagnostics(
            probe: data.test.prefix(256).inputs, every: 50,
            file: diagnostics.map { URL(fileURLWithPath: $0) }, warn: { print($0) }) : nil
        var curves: [TrainingPlots.Epoch] = []
        let report = EpochEndCallback { record, run in
            let testAccuracy = try network.accuracy(on: data.test)
            if plots != nil {
                let testLoss = try crossEntropy(logits: network.predict(data.test.inputs), labels: data.test.labels).scalar
                curves.append(.init(trainLoss: record.loss, trainAccuracy: record.metrics["accuracy"] ?? 0, testLoss: Double(testLoss), testAccuracy: testAccuracy))
            }
            let validation = record.validationLoss.map {
                String(format: "  val loss %.4f  val %.2f%%", $0, 100 * (record.validationMetrics["accuracy"] ?? 0))
            } ?? ""
            print(
                String(format: "epoch %ld/%ld  lr %.4f  loss %.4f  train %.2f%%", record.epoch, run.epochs, record.learningRate,
                       record.loss, 100 * (record.metrics["accuracy"] ?? 0)) + validation
                + String(format: "  test %.2f%%  %.2fs  (%.0f samples/s)", 100 * testAccuracy, record.seconds,
                         Double(run.samplesPerEpoch) / record.seconds))
            for (name, _) in network.namedParameters where record.gradientNorms[name] != nil {
                print("  gradient norm  " + name.padding(toLength: 24, withPad: " ", startingAt: 0) + String(format: "%.3e", record.gradientNorms[name]!))
            }
        }
        let steps = DistributedRun.StepCounter()
        let history = try network.fit(
            data.train, loss: .crossEntropy, optimizer: optimizer, epochs: training.epochs, batchSize: training.batchSize,
            validationSplit: training.validationSplit ?? 0, metrics: [.accuracy],
            // Every rank stops early at the same epoch (the validation data and weights are the same
            // on all); only rank 0 reports and writes checkpoints.
            callbacks: communicator.isLeader ? [ProgressBarCallback(), report] + training.callbacks + [steps] : training.callbacks.filter { $0 is EarlyStopping },
            seed: training.seed, clipping: training.clipping, schedule: optimization.learningRateSchedule,
            recordingGradientNorms: training.gradientNorms, diagnostics: recorder, resumingFrom: training.resumeDirectory,
            communicator: communicator)
        guard communicator.isLeader else { return }
        DistributedRun.reportCommunication(of: communicator, steps)
        let epochsDone = history.last?.epoch ?? 0
        if epochsDone < training.epochs && StopRequest.reason == nil { print("stopped early after epoch \(epochsDone)") }
        // A diverged model is refused before anything is written, yet its curves are still drawn
        // (they show the divergence); and the model is saved before the figures, so that a figure
        // that cannot be written does not cost the run its result.
        let finite = Result { if training.output != nil { try OutputProbe.checkFinite(network, on: data.test) } }
        if case .success = finite, let output = training.output {
            try network.save(to: URL(fileURLWithPath: output), metadata: [
                "neurite.architecture": description.description,
                "neurite.input-shape": data.train.sampleShape.map(String.init).joined(separator: ","),
                // How raw pixels were scaled, so that 'neurite predict' scales new images the same way.
                SavedModel.Key.pixelMean: "\(data.pixelMean)",
                SavedModel.Key.pixelStandardDeviation: "\(data.pixelStandardDeviation)",
            ])
            print("saved \(output)")
        }
        if let plots {
            let written = try TrainingPlots.write(epochs: curves, diagnostics: recorder?.records ?? [], model: network, to: URL(fileURLWithPath: plots))
            print("plots: " + written.map(\.path).joined(separator: ", "))
        }
        if let diagnostics { print("diagnostics: \(recorder?.records.count ?? 0) records in \(diagnostics)") }
        try finite.get()
        try OutputProbe.finishIfStopped(epoch: epochsDone + 1, of: training.epochs, saved: training.output)
    }

    private func architectureDescription() throws -> Architecture {
        if let model {
            return try ArchitectureArgument.parse(model)
        }
        let initializerWord = initializer.map { ", \($0.rawValue)" } ?? ""
        let hiddenLayers = hidden.map { "dense(\($0), \(activation.rawValue)\(initializerWord))" }
        return try Architecture((hiddenLayers + ["dense(10\(initializerWord.isEmpty ? "" : ", linear" + initializerWord))"]).joined(separator: " "))
    }
}

extension Activation: ExpressibleByArgument {}

enum InitializerName: String, ExpressibleByArgument, CaseIterable {
    case he, heUniform = "he-uniform", xavier, xavierNormal = "xavier-normal", smallRandom = "small-random", zeros
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
