import ArgumentParser
import Foundation
import Neurite

struct TrainCSV: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "csv",
        abstract: "Train on a CSV table: numeric feature columns, one or more target columns, and a task that picks the output head and loss.",
        discussion: """
            binary: one 0/1 target, one logit, binary cross-entropy (accuracy, F1). regression: real targets, \
            linear head, MSE (MSE, MAE, R²). nonnegative: targets ≥ 0, ReLU head, MSE. multiclass: one column of \
            classes 0…K−1, K logits, softmax cross-entropy (accuracy). multilabel: one 0/1 column per label, one \
            logit each, binary cross-entropy (micro-F1, Hamming loss). Features are standardized with the mean and \
            standard deviation of the training rows, which the saved model keeps for 'neurite predict'. \
            --validation-split defaults to 0.2 here.
            """)

    @Argument(help: "The CSV file: a header row naming the columns, then one row per sample (- reads standard input, and a pipe such as <(zcat t.csv.gz) works).")
    var file: String

    @Option(help: "What to predict: binary, regression, nonnegative, multiclass or multilabel.")
    var task: TableTask

    @Option(parsing: .upToNextOption, help: "The target column(s): one for binary and multiclass, one or more otherwise.")
    var target: [String]

    @Option(parsing: .upToNextOption, help: "The feature columns. Default: every column that is not a target.")
    var features: [String] = []

    @Option(help: "The hidden layers as an architecture, e.g. \"dense(64, relu) dropout(0.1)\"; the task adds the output layer. Default: --hidden.")
    var model: String?

    @Option(parsing: .upToNextOption, help: "Hidden layer sizes (ReLU) when --model is not given.")
    var hidden: [Int] = [32]

    @OptionGroup var optimization: OptimizerOptions<ImageAndTableDefaults>

    @OptionGroup var training: TrainingOptions

    @OptionGroup(title: "Under mpirun")
    var distributed: DistributedOptions

    func validate() throws {
        try task.validate(targetCount: target.count)
        guard Set(target).isDisjoint(with: features) else { throw ValidationError("a column cannot be both a --target and a --features column") }
        guard hidden.allSatisfy({ $0 > 0 }) else { throw ValidationError("--hidden sizes must be positive") }
    }

    func run() throws {
        let communicator = try DistributedRun.begin(distributed)
        try DistributedRun.run(on: communicator) { try train(on: communicator) }
    }

    /// The table as a dataset of its feature columns and targets, the feature names and the
    /// head's output count. In a function of its own so that the table's cells (about 10 bytes
    /// each) are freed before the split and the standardization copy the numbers: `train csv` of
    /// a 100 MB table of 50 M cells peaked at 1.18 GB with the table alive throughout.
    private func readTable() throws -> (data: Dataset, featureNames: [String], outputs: Int) {
        let table = try CSVTable(contentsOf: InputPath.url(file))
        _ = try table.indices(of: target)
        let featureNames = features.isEmpty ? table.columns.filter { !target.contains($0) } : features
        guard !featureNames.isEmpty else { throw ValidationError("\(file): no feature columns besides the targets") }
        let (targets, outputs) = try task.targets(from: table, columns: target)
        return (try Dataset(inputs: table.numbers(columns: featureNames), targets: targets), featureNames, outputs)
    }

    private func train(on communicator: Communicator) throws {
        try OutputProbe.check(training.output, notOverwriting: [file])
        try OutputProbe.checkFolder(training.run.checkpoint, option: "--checkpoint")
        let (all, featureNames, outputs) = try readTable()

        // The split comes first: the standardization is learned on the training rows only.
        let fraction = training.validationSplit ?? 0.2
        var (train, validation) = all.split(validationFraction: fraction, seed: training.seed)
        guard train.count > 0 else { throw ValidationError("\(file): \(all.count) rows leave none for training after --validation-split \(fraction)") }
        let standardization = try Standardization(fitting: train.inputs)
        // Regression targets are brought to unit scale too, and the scale folded into the saved
        // head (``TableTask/targetScaling(fitting:)``).
        let targetScaling = try task.targetScaling(fitting: train.targets)
        train = try Dataset(inputs: standardization.apply(to: train.inputs), targets: targetScaling?.apply(to: train.targets) ?? train.targets)
        validation = try Dataset(
            inputs: standardization.apply(to: validation.inputs), targets: targetScaling?.apply(to: validation.targets) ?? validation.targets)

        let architecture = try Architecture(try hiddenLayers() + " " + task.head(outputs: outputs))
        let network = try training.buildModel(trainingOn: train.count) {
            try architecture.build(inputShape: [featureNames.count], seed: training.seed, batchSize: $0)
        }
        if let bias = try task.startingBias(for: train.targets), let head = network.layers.last as? Dense { head.bias?.value = bias }
        try OutputProbe.checkRoom(training.output, parameters: network.parameterCount)
        print("model: \(architecture)  (\(network.parameterCount) parameters)")
        print("data: \(train.count) training and \(validation.count) validation rows, \(featureNames.count) features; task \(task.rawValue), target \(target.joined(separator: ", ")); batch \(training.batchSize), \(optimization.summary), seed \(training.seed)")
        if let targetScaling {
            print("targets: trained at unit scale (\(targetScaling.summary(of: target))); the loss, MSE and MAE below are in those units, the saved model predicts in the table's")
        }

        let report = EpochEndCallback { record, run in
            var line = String(format: "epoch %ld/%ld  loss %.4f", record.epoch, run.epochs, record.loss)
            for metric in task.metrics { line += "  \(metric.name) " + String(format: "%.4f", record.metrics[metric.name] ?? .nan) }
            if let validationLoss = record.validationLoss {
                line += String(format: "  val loss %.4f", validationLoss)
                for metric in task.metrics { line += "  val \(metric.name) " + String(format: "%.4f", record.validationMetrics[metric.name] ?? .nan) }
            }
            print(line)
        }
        let steps = DistributedRun.StepCounter()
        let history = try network.fit(
            train, loss: task.loss, optimizer: optimization.makeOptimizer(),
            epochs: training.epochs, batchSize: training.batchSize, validationData: validation.count > 0 ? validation : nil,
            metrics: task.metrics,
            // As in 'train mnist': every rank stops early at the same epoch; only rank 0 reports and saves.
            callbacks: communicator.isLeader ? [report] + training.callbacks + [steps] : training.callbacks.filter { $0 is EarlyStopping },
            seed: training.seed, clipping: training.clipping, schedule: optimization.learningRateSchedule,
            recordingGradientNorms: training.gradientNorms, resumingFrom: training.resumeDirectory, communicator: communicator)
        guard communicator.isLeader else { return }
        DistributedRun.reportCommunication(of: communicator, steps)

        if let output = training.output {
            if let targetScaling, let head = network.layers.last as? Dense { targetScaling.fold(into: head) }
            let metadata = [
                SavedModel.Key.architecture: architecture.description,
                SavedModel.Key.inputShape: String(featureNames.count),
                SavedModel.Key.task: task.rawValue,
                SavedModel.Key.features: SavedModel.encode(featureNames),
                SavedModel.Key.targets: SavedModel.encode(target),
            ]
            let tensors = network.namedParameters.map { ($0.name, $0.parameter.value) } + standardization.namedTensors
            try Safetensors.write(tensors, metadata: metadata, to: URL(fileURLWithPath: output))
            print("saved \(output)")
        }
        try OutputProbe.finishIfStopped(epoch: (history.last?.epoch ?? 0) + 1, of: training.epochs, saved: training.output)
    }

    /// The hidden part of the network: --model as written, or ReLU layers of the --hidden sizes.
    private func hiddenLayers() throws -> String {
        guard let model else { return hidden.map { "dense(\($0), relu)" }.joined(separator: " ") }
        return try ArchitectureArgument.text(model)
    }
}

extension TableTask {
    /// The loss on the head's outputs (logits for the classification tasks).
    var loss: Loss {
        switch self {
        case .binary, .multilabel: return .binaryCrossEntropy(fromLogits: true)
        case .regression, .nonnegative: return .meanSquaredError
        case .multiclass: return .crossEntropy
        }
    }

    /// The metrics printed after each epoch.
    var metrics: [Metric] {
        switch self {
        case .binary: return [.accuracy, .f1(ofClass: 1)]
        case .regression, .nonnegative: return [.meanSquaredError, .meanAbsoluteError, .r2]
        case .multiclass: return [.accuracy]
        case .multilabel: return [.microF1(threshold: 0.5), .hammingLoss(threshold: 0.5)]
        }
    }
}
