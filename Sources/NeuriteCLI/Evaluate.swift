import ArgumentParser
import Foundation
import Neurite

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure a saved model: an MNIST classifier on the MNIST test set (accuracy, loss, accuracy per class, the confusion matrix and per-class precision, recall and F1), a model of a CSV table on a table with its columns (the task's loss and metrics), a character language model on a text (loss, bits per character, perplexity, next-character accuracy).")

    @Argument(help: "A model saved by 'neurite train --output' (or an ONNX model, .onnx, read as 'neurite import-onnx' reads it).")
    var model: String

    @Argument(help: "What to measure it on: for a model of 'train csv', a table holding its feature and target columns, found by name; for one of 'train text', a UTF-8 text (- reads standard input).")
    var data: String?

    @Option(help: "A directory with the four MNIST-format files instead of the bundled copy.")
    var dataDir: String?

    func run() throws {
        let saved: SavedModel
        switch try SavedFile.open(model) {
        case .characterLanguageModel(let languageModel):
            guard let data else {
                throw CommandLineError(subject: model, message: "expected a text to measure this character language model on: 'neurite evaluate \(model) TEXT'")
            }
            return try evaluate(languageModel, on: data)
        case .network(let network): saved = network
        }
        if let task = try saved.task() {
            guard let data else {
                throw CommandLineError(subject: model, message: "expected a table to measure this model of a CSV table (task \(task.rawValue)) on: 'neurite evaluate \(model) TABLE.csv'")
            }
            return try evaluate(saved, task: task, on: data)
        }
        if let data {
            throw CommandLineError(subject: data, message: "expected no table: an MNIST classifier is measured on the MNIST test set (--data-dir for another copy)")
        }
        guard saved.inputShape.reduce(1, *) == 784 else {
            throw CommandLineError(subject: model, message: "expected an MNIST classifier of 784 inputs (28×28 pixels), found input shape \(saved.inputShape)")
        }
        let network = try saved.network(batchSize: inferenceBatchSize)
        let text = saved.architecture.description
        let test = try MNIST.load(from: dataDir.map { URL(fileURLWithPath: $0, isDirectory: true) }).test

        let logits = try network.predict(test.inputs)
        guard logits.shape == [test.count, 10] else {
            throw CommandLineError(subject: model, message: "expected an MNIST classifier of 10 outputs, found outputs of shape \(Array(logits.shape.dropFirst()))")
        }
        let loss = try crossEntropy(logits: logits, labels: test.labels).scalar
        let predicted = logits.argmaxIndices(alongAxis: -1)
        var correct = Array(repeating: 0, count: 10), total = Array(repeating: 0, count: 10)
        for (guess, label) in zip(predicted, test.labels) {
            total[label] += 1
            if guess == label { correct[label] += 1 }
        }
        print("model: \(text)  (\(network.parameterCount) parameters)")
        print(String(format: "test accuracy %.2f%%  loss %.4f  on %d images",
                     100 * Double(correct.reduce(0, +)) / Double(test.count), loss, test.count))
        for digit in 0..<10 where total[digit] > 0 {
            print(String(format: "  digit %d: %.2f%% of %d", digit, 100 * Double(correct[digit]) / Double(total[digit]), total[digit]))
        }
        print("confusion matrix (rows: true digit, columns: predicted):")
        print(try ConfusionMatrix(predictions: Loss.crossEntropy.predictions(from: logits), targets: test.targets))
    }
}
