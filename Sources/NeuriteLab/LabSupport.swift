import Foundation
import Neurite

/// Small pieces the experiments share: training loops over a fixed loss, measurements.
enum Lab {
    /// `steps` updates of `model` along the gradient of `loss`; returns the loss before each step.
    static func train<Model: Layer>(
        _ model: inout Model, steps: Int, optimizer: inout SGD, clipping: GradientClipping? = nil, loss: (Model) throws -> Tensor
    ) throws -> [Double] {
        var history: [Double] = []
        for _ in 0..<steps {
            let (value, gradients) = try valueWithGradient(of: model, loss)
            history.append(Double(value.scalar))
            optimizer.update(&model, along: clipping?.apply(to: gradients) ?? gradients)
        }
        return history
    }

    /// Mini-batch training with softmax cross-entropy for `epochs` passes (at least
    /// `minimumSteps` steps in all); returns the mean loss of each epoch.
    static func trainClassifier<Model: Layer>(
        _ model: inout Model, on data: Dataset, epochs: Int, minimumSteps: Int = 0, batchSize: Int = 64, learningRate: Float, seed: UInt64
    ) throws -> [Double] {
        var optimizer = SGD(learningRate: learningRate, momentum: 0.9)
        let stepsPerEpoch = (data.count + batchSize - 1) / batchSize
        let epochs = max(epochs, (minimumSteps + stepsPerEpoch - 1) / stepsPerEpoch)
        var losses: [Double] = []
        for epoch in 0..<epochs {
            var total = 0.0
            for batch in data.batches(size: batchSize, shuffled: true, seed: seed &+ UInt64(epoch)) {
                let inputs = batch.inputs, labels = batch.labels
                let (loss, gradients) = try valueWithGradient(of: model) { try crossEntropy(logits: $0(inputs), labels: labels) }
                optimizer.update(&model, along: gradients)
                total += Double(loss.scalar) * Double(batch.count)
            }
            losses.append(total / Double(data.count))
        }
        return losses
    }

    /// √(mean of squared differences).
    static func rootMeanSquare(_ predictions: [Float], _ targets: [Float]) -> Double {
        let sum = zip(predictions, targets).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
        return (sum / Double(max(1, predictions.count))).squareRoot()
    }

    /// The fraction of positions where the two lists agree.
    static func agreement(_ first: [Int], _ second: [Int]) -> Double {
        Double(zip(first, second).filter { $0 == $1 }.count) / Double(max(1, first.count))
    }

    /// A column vector `[n, 1]` of `values`.
    static func column(_ values: [Float]) -> Tensor { try! Tensor(shape: [values.count, 1], scalars: values) }

    /// The outputs of every layer of `model` for `input`, in order: what each layer passes on.
    static func layerOutputs(of model: Sequential, for input: Tensor) throws -> [Tensor] {
        var outputs: [Tensor] = []
        var current = input
        try withoutGradient {
            for layer in model.layers {
                current = try layer(current)
                outputs.append(current)
            }
        }
        return outputs
    }

    /// The gradient norm of each `weight` parameter, in model order.
    static func weightGradientNorms(_ gradients: Gradients) -> [Double] {
        gradients.statistics.filter { $0.name.hasSuffix("weight") }.map { Double($0.statistics.norm) }
    }

    /// A number for a verdict: three significant digits, scientific when very large or small.
    static func format(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude == 0 { return "0" }
        if magnitude < 1e4, value == value.rounded() { return String(Int(value)) }
        if magnitude >= 1e4 || magnitude < 1e-3 { return String(format: "%.2e", value) }
        return String(format: magnitude >= 100 ? "%.0f" : magnitude >= 10 ? "%.1f" : magnitude >= 1 ? "%.2f" : "%.3f", value)
    }

    /// A fraction as a percentage for a verdict, e.g. `97.3%`.
    static func percent(_ fraction: Double) -> String { String(format: "%.1f%%", 100 * fraction) }
}

/// MNIST loaded once per process and shared by the experiments that use it.
public enum LabData {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cached: MNIST?

    /// The bundled MNIST, loaded on first use.
    public static func mnist() throws -> MNIST {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let loaded = try MNIST.load()
        cached = loaded
        return loaded
    }
}
