import Foundation
import Neurite

/// The train and test sets of a session, as the network sees them (features expanded, targets
/// shaped for the head) and as the page draws them (raw points).
public struct PlaygroundData: Sendable {
    /// The training set: network inputs and the head's targets.
    public let train: Dataset
    /// The test set, never trained on.
    public let test: Dataset
    /// The class of each sample (classification), empty for regression.
    public let trainLabels: [Int], testLabels: [Int]
    /// What the page draws: `[x, y, label]` per 2-D point, `[x, y]` per 1-D sample; empty for MNIST.
    public let trainPoints: [[Float]], testPoints: [[Float]]

    /// The data `config` (validated) describes, targets shaped for `head`; MNIST from
    /// `mnistDirectory`, by default the bundled copy.
    /// - Throws: ``PlaygroundError`` when MNIST cannot be read.
    public init(
        config: PlaygroundConfig, head: PlaygroundHead, limits: PlaygroundLimits = PlaygroundLimits(), mnistDirectory: URL? = nil
    ) throws {
        var generator = RandomGenerator(seed: UInt64(config.seed))
        let trainCount = min(max(Int((Double(config.samples) * config.trainFraction).rounded()), 1), config.samples - 1)
        switch config.dataset {
        case .circle, .xor, .gaussians, .spiral:
            let (points, labels) = ToyDataset.points(config.dataset, count: config.samples, noise: Float(config.noise), using: &generator)
            let inputs = try PlaygroundFeature.expand(
                Tensor(shape: [points.count, 2], scalars: points.flatMap { [$0.x, $0.y] }), features: config.features)
            let rows = zip(points, labels).map { [$0.x, $0.y, Float($1)] }
            (trainLabels, testLabels) = (Array(labels[..<trainCount]), Array(labels[trainCount...]))
            (trainPoints, testPoints) = (Array(rows[..<trainCount]), Array(rows[trainCount...]))
            train = try Dataset(inputs: inputs.rows(Array(0..<trainCount)), targets: head.targets(labels: trainLabels))
            test = try Dataset(inputs: inputs.rows(Array(trainCount..<points.count)), targets: head.targets(labels: testLabels))
        case .function:
            let range = Float(config.range[0])...Float(config.range[1])
            let (x, y) = ToyDataset.samples(of: config.function, on: range, count: config.samples, noise: Float(config.noise), using: &generator)
            let inputs = try Tensor(shape: [x.count, 1], scalars: x), targets = try Tensor(shape: [y.count, 1], scalars: y)
            let rows = zip(x, y).map { [$0, $1] }
            (trainLabels, testLabels) = ([], [])
            (trainPoints, testPoints) = (Array(rows[..<trainCount]), Array(rows[trainCount...]))
            train = try Dataset(inputs: inputs.rows(Array(0..<trainCount)), targets: targets.rows(Array(0..<trainCount)))
            test = try Dataset(inputs: inputs.rows(Array(trainCount..<x.count)), targets: targets.rows(Array(trainCount..<x.count)))
        case .mnist:
            let mnist = try PlaygroundData.mnist(from: mnistDirectory)
            let trainImages = mnist.train.prefix(config.samples), testImages = mnist.test.prefix(limits.mnistTestImages)
            (trainLabels, testLabels) = (trainImages.labels, testImages.labels)
            (trainPoints, testPoints) = ([], [])
            train = try Dataset(inputs: trainImages.inputs, targets: head.targets(labels: trainLabels))
            test = try Dataset(inputs: testImages.inputs, targets: head.targets(labels: testLabels))
        }
    }

    /// MNIST from `directory`; the bundled copy when nil, read once per process (about a second in
    /// a release build) and shared by every session.
    static func mnist(from directory: URL?) throws -> MNIST {
        do {
            guard let directory else { return try loadedMNIST.get() }
            return try MNIST.load(from: directory)
        } catch {
            throw PlaygroundError(.badConfig, "MNIST is not available on this server: \(error)")
        }
    }
}

/// Swift initializes a global lazily and exactly once, even when sessions ask at the same time.
private let loadedMNIST = Result { try MNIST.load() }
