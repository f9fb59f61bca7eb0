import Foundation
import Neurite

/// One page's model and its training: built from a validated ``PlaygroundConfig``, trained step by
/// step, and looked into by ``frame(playing:)``.
///
/// The network is a stack of Neurite ``Dense`` layers (hidden layers with the chosen activation,
/// then the head), trained with Neurite's optimizers, ``GradientClipping`` and losses: what the
/// page shows is what the library does. A session is not thread-safe; its owner (one task or
/// actor per connection) serializes the calls.
public final class PlaygroundSession {
    /// The configuration, validated and normalized.
    public let config: PlaygroundConfig
    /// The output head and its loss.
    public let head: PlaygroundHead
    /// The train and test sets.
    public let data: PlaygroundData
    /// The layers, inputs first; the last is the head.
    public private(set) var layers: [Dense] = []
    /// The same layers as one model (their weights are shared).
    public private(set) var model = Sequential([])
    /// Optimizer steps taken since the weights were initialized.
    public private(set) var step = 0
    /// The L2 norm of each parameter's gradient at the last step, before clipping, by name
    /// (`"layers.0.weight"`).
    public private(set) var gradientNorms: [String: Float] = [:]

    private var optimizer: any Optimizer
    private var epochBatches: [Batch] = []
    private var nextBatch = 0
    private var epochsStarted = 0

    /// A session for `config`, with freshly initialized weights; MNIST is read from
    /// `mnistDirectory` (any folder `MNIST.load(from:)` reads), by default the bundled copy.
    /// - Throws: ``PlaygroundError`` when `config` breaks a limit or MNIST cannot be read.
    public init(config: PlaygroundConfig, limits: PlaygroundLimits = PlaygroundLimits(), mnistDirectory: URL? = nil) throws {
        let config = try config.validated(against: limits)
        self.config = config
        head = try PlaygroundHead(choice: config.head, dataset: config.dataset)
        data = try PlaygroundData(config: config, head: head, limits: limits, mnistDirectory: mnistDirectory)
        optimizer = config.optimizer.make(learningRate: Float(config.learningRate))
        reset()
    }

    /// Units per layer, inputs first: `[2, 4, 2, 1]`.
    public var layerSizes: [Int] { [data.train.sampleShape.reduce(1, *)] + layers.map(\.outputSize) }

    /// Epochs of training so far, fractional.
    public var epoch: Double { Double(step * config.batchSize) / Double(max(data.train.count, 1)) }

    /// Draws the initial weights again (same seed, so the same weights) and forgets the optimizer's
    /// state and the step count.
    public func reset() {
        let sizes = [data.train.sampleShape.reduce(1, *)] + config.hidden + [head.outputUnits]
        layers = sizes.indices.dropLast().map { index in
            let isHead = index == sizes.count - 2
            return Dense(
                sizes[index], sizes[index + 1], activation: isHead ? head.activation : config.activation.activation,
                initializer: config.initializer.initializer, seed: UInt64(config.seed) &* 1_000 &+ UInt64(index))
        }
        model = Sequential(layers)
        optimizer = config.optimizer.make(learningRate: Float(config.learningRate))
        step = 0
        gradientNorms = [:]
        epochBatches = []
        nextBatch = 0
        epochsStarted = 0
    }

    /// One optimizer step on the next mini-batch (a new shuffle each epoch).
    /// - Throws: ``PlaygroundError`` `diverged` when the batch's loss is NaN or infinite; the
    ///   weights are then left as they were.
    public func trainStep() throws {
        if nextBatch == epochBatches.count {
            epochBatches = data.train.batches(size: config.batchSize, shuffled: true, seed: UInt64(config.seed) &+ UInt64(epochsStarted))
            nextBatch = 0
            epochsStarted += 1
        }
        let batch = epochBatches[nextBatch]
        nextBatch += 1
        let loss = head.loss
        let (value, gradients) = try valueWithGradient(of: model) { model in try loss(model(batch.inputs), batch.targets) }
        step += 1
        gradientNorms = Dictionary(gradients.entries.map { ($0.name, TensorStatistics($0.gradient).norm) }, uniquingKeysWith: { first, _ in first })
        guard value.scalar.isFinite else {
            throw PlaygroundError(.diverged, "the loss became \(value.scalar) at step \(step): lower the learning rate, clip gradients or reset")
        }
        optimizer.update(&model, along: config.clipping.rule?.apply(to: gradients) ?? gradients)
    }

    /// `count` steps, stopping at the first that diverges.
    public func train(steps count: Int) throws {
        for _ in 0..<count { try trainStep() }
    }

    /// Steps until `duration` has passed (at least one), so that a frame follows every slice of
    /// time whatever the network's size.
    /// - Returns: the number of steps taken.
    @discardableResult
    public func train(for duration: Duration) throws -> Int {
        let clock = ContinuousClock(), deadline = clock.now + duration
        var taken = 0
        repeat {
            try trainStep()
            taken += 1
        } while clock.now < deadline
        return taken
    }

    /// The outputs of every layer for `inputs`, without recording gradients: the hidden units'
    /// activations and, last, the head's raw outputs.
    func layerOutputs(_ inputs: Tensor) throws -> [Tensor] {
        try withoutGradient {
            var outputs: [Tensor] = []
            var current = inputs
            for layer in layers {
                current = try layer(current)
                outputs.append(current)
            }
            return outputs
        }
    }
}
