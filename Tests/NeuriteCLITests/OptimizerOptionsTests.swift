import ArgumentParser
import Neurite
import Testing
@testable import NeuriteCLI

@Suite("Optimizer options")
struct OptimizerOptionsTests {
    @Test func defaultsAreTodaysSGDAndEachOptimizersOwn() throws {
        let sgd = try OptimizerOptions<ImageAndTableDefaults>.parse([])
        #expect(sgd.summary == "SGD learning rate 0.02 (cosine), momentum 0.9")
        #expect(sgd.makeOptimizer() is SGD && sgd.learningRateSchedule == .cosine)

        let adam = try OptimizerOptions<ImageAndTableDefaults>.parse(["--optimizer", "adam"])
        #expect(adam.summary == "Adam learning rate 0.001 (cosine)")
        #expect((adam.makeOptimizer() as? Adam)?.learningRate == 1e-3)

        let adamW = try OptimizerOptions<ImageAndTableDefaults>.parse(["--optimizer", "adamw", "--schedule", "step:2:0.5/step", "--warmup", "0.5"])
        #expect(adamW.summary == "AdamW learning rate 0.001 (step:2:0.5/step, after 0.5 warm-up epochs), weight decay 0.01")
        #expect(adamW.learningRateSchedule == LearningRateSchedule(.step(every: 2, factor: 0.5), per: .step, warmup: .epochs(0.5)))

        let nesterov = try OptimizerOptions<ImageAndTableDefaults>.parse(["--optimizer", "nesterov", "--weight-decay", "0.0005"])
        #expect((nesterov.makeOptimizer() as? SGD).map { $0.nesterov && $0.momentum == 0.9 && $0.weightDecay == 0.0005 } == true)
        let rmsProp = try OptimizerOptions<ImageAndTableDefaults>.parse(["--optimizer", "rmsprop", "--momentum", "0.5", "--learning-rate", "0.003"])
        #expect((rmsProp.makeOptimizer() as? RMSProp).map { $0.momentum == 0.5 && $0.learningRate == 0.003 } == true)
        #expect(try OptimizerOptions<ImageAndTableDefaults>.parse(["--optimizer", "adagrad"]).makeOptimizer() is Adagrad)
    }

    /// `train text` has its own recipe (Adam at 0.003; SGD's left an LSTM at the letters'
    /// frequencies), and an optimizer named on its command line still gets that optimizer's rate.
    @Test func characterModelsDefaultToAdam() throws {
        let text = try OptimizerOptions<TextDefaults>.parse([])
        #expect(text.summary == "Adam learning rate 0.003 (cosine)")
        #expect((text.makeOptimizer() as? Adam)?.learningRate == 3e-3)
        #expect(try OptimizerOptions<TextDefaults>.parse(["--optimizer", "sgd"]).summary == "SGD learning rate 0.02 (cosine), momentum 0.9")
        #expect(try OptimizerOptions<TextDefaults>.parse(["--optimizer", "adamw"]).baseLearningRate == 1e-3)
        #expect(throws: (any Error).self) { try OptimizerOptions<TextDefaults>.parse(["--momentum", "0.9"]) }
        let command = try #require(try NeuriteCommand.parseAsRoot(["train", "text", "x.txt"]) as? TrainText)
        #expect(command.batchSize == 16 && command.optimization.optimizer == .adam)
    }

    @Test func badOptionsGiveClearErrors() {
        let cases: [([String], String)] = [
            (["--optimizer", "lion"], "lion"),
            (["--learning-rate=-1"], "--learning-rate must be a positive number"),
            (["--optimizer", "adam", "--momentum", "0.9"], "--momentum applies to sgd, nesterov and rmsprop, not adam"),
            (["--momentum", "1"], "--momentum must be in [0, 1)"),
            (["--optimizer", "nesterov", "--momentum", "0"], "nesterov needs --momentum above 0"),
            (["--weight-decay=-0.1"], "--weight-decay must be a non-negative number"),
            (["--warmup=-1"], "--warmup must be a non-negative number of epochs"),
            (["--schedule", "step:0:0.5"], "--schedule: schedule 'step:0:0.5': N in step:N:FACTOR must be a positive whole number"),
            (["--schedule", "linear"], "use constant, cosine, step:N:FACTOR or exponential:FACTOR"),
        ]
        for (arguments, expected) in cases {
            do {
                _ = try OptimizerOptions<ImageAndTableDefaults>.parse(arguments)
                Issue.record("\(arguments) was accepted")
            } catch {
                let message = OptimizerOptions<ImageAndTableDefaults>.message(for: error)
                #expect(message.contains(expected), "\(arguments): \(message)")
            }
        }
    }
}

extension OptimizerOptionsTests {
    @Test func trainsWithAdamFromTheCommandLine() throws {
        let directory = try SyntheticDigits.write(trainCount: 600, testCount: 200)
        let model = directory.appendingPathComponent("adam.safetensors")
        var train = try NeuriteCommand.parseAsRoot([
            "train", "mnist", "--data-dir", directory.path, "--epochs", "2", "--hidden", "32",
            "--optimizer", "adam", "--learning-rate", "0.003", "--warmup", "0.5", "--output", model.path,
        ])
        try train.run()
        let network = try Architecture("dense(32, relu) dense(10)").build(inputShape: [784], seed: 0)
        try network.load(from: model)
        #expect(try network.accuracy(on: MNIST.load(from: directory).test) > 0.9)
    }
}
