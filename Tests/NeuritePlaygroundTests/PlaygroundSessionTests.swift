import Foundation
import Neurite
import Testing
@testable import NeuritePlaygroundCore

/// Sessions built from configs: what they train, and what their frames hold.
@Suite("Playground session")
struct PlaygroundSessionTests {
    @Test func theSpiralWithReLULearns() throws {
        var config = PlaygroundConfig()
        config.dataset = .spiral
        config.activation = .relu
        config.hidden = [32, 32]
        config.optimizer = .adam
        config.learningRate = 0.01
        config.batchSize = 20
        config.samples = 400
        let session = try PlaygroundSession(config: config)
        let before = try #require(session.frame(playing: false).testLoss)
        try session.train(steps: 600)
        let after = session.frame(playing: false)
        #expect(try #require(after.testLoss) < before / 2)
        #expect(try #require(after.testAccuracy) > 0.9)
        #expect(after.step == 600)
        #expect(abs(try #require(after.epoch) - 600.0 * 20 / 200) < 1e-9)
    }

    @Test func framesOfAPlanarSessionHaveEveryView() throws {
        var config = PlaygroundConfig()
        config.features = [.x, .y, .xy]
        let session = try PlaygroundSession(config: config)
        try session.trainStep()
        let frame = session.frame(playing: true)
        #expect(session.layerSizes == [3, 4, 2, 1])
        #expect(frame.regions?.size == 40 && frame.regions?.values.count == 1600)
        #expect(frame.units?.map(\.count) == [4, 2])
        #expect(frame.units?.allSatisfy { $0.allSatisfy { $0.values.count == 400 } } == true)
        #expect(frame.weights?.map(\.count) == [4, 2, 1])
        #expect(frame.weights?.map { $0[0].count } == [3, 4, 2])
        #expect(frame.gradientNorms.map(\.layer) == ["layers.0", "layers.1", "layers.2"])
        #expect(frame.gradientNorms.allSatisfy { ($0.weight ?? 0) > 0 })
        #expect(frame.curve == nil && frame.mnist == nil && frame.playing)
        // P(class 1) at the top-left corner of the grid is the network's output at (−6, 6).
        let corner = try Tensor(shape: [1, 3], scalars: [-6, 6, -36])
        let expected = try sigmoid(session.model(corner)).scalar
        #expect(abs(try #require(frame.regions?.values[0]) - Double(expected)) < 1e-3)
    }

    /// Zero weights: every output is sigmoid(0) = ½, the loss is ln 2 whatever the labels, and
    /// only the head's bias gets a gradient, ½ − (fraction of class 1) in size.
    @Test func zeroWeightsGiveHandCheckableNumbers() throws {
        var config = PlaygroundConfig()
        config.initializer = .zeros
        config.samples = 100
        config.batchSize = 50
        let session = try PlaygroundSession(config: config)
        let frame = session.frame(playing: false)
        #expect(frame.trainLoss == 0.6931 && frame.testLoss == 0.6931)
        #expect(frame.regions?.values.allSatisfy { $0 == 0.5 } == true)
        try session.trainStep()
        let norms = session.frame(playing: false).gradientNorms
        #expect(norms.dropLast().allSatisfy { $0.weight == 0 && $0.bias == 0 })
        #expect(norms.last?.weight == 0)
        let bias = try #require(norms.last?.bias)
        #expect(bias >= 0 && bias <= 0.5)
    }

    @Test func theCurveSpansTwiceTheTrainingRange() throws {
        var config = PlaygroundConfig()
        config.dataset = .function
        config.function = .sin
        config.range = [-2, 4]
        config.hidden = [8]
        let session = try PlaygroundSession(config: config)
        let curve = try #require(session.frame(playing: false).curve)
        #expect(curve.x.count == 200 && curve.predicted.count == 200)
        #expect(curve.x.first == -5 && curve.x.last == 7)
        #expect(curve.trainRange == [-2, 4])
        #expect(zip(curve.x, curve.true).allSatisfy { abs(Foundation.sin($0!) - $1!) < 1e-3 })
        #expect(session.data.trainPoints.allSatisfy { (-2...4).contains($0[0]) })
    }

    /// On a small MNIST-format set written here (the bundled copy takes seconds to read in a debug
    /// build): 300 training and 150 test images whose class is the row of the one bright pixel.
    @Test func mnistFramesShowFirstLayerWeightsAndConfusion() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("playground-mnist-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, count) in [("train", 300), ("t10k", 150)] {
            let labels = (0..<count).map { UInt8($0 % 10) }
            let images = labels.flatMap { label in (0..<784).map { $0 == Int(label) * 28 * 2 + 14 ? UInt8(255) : 0 } }
            try Data([0, 0, 8, 3] + bigEndian(count) + bigEndian(28) + bigEndian(28) + images)
                .write(to: directory.appendingPathComponent("\(name)-images-idx3-ubyte"))
            try Data([0, 0, 8, 1] + bigEndian(count) + labels).write(to: directory.appendingPathComponent("\(name)-labels-idx1-ubyte"))
        }
        var config = PlaygroundConfig()
        config.dataset = .mnist
        config.samples = 200
        config.hidden = [20]
        config.optimizer = .adam
        config.learningRate = 0.01
        let session = try PlaygroundSession(config: config, mnistDirectory: directory)
        try session.train(steps: 60)
        let frame = session.frame(playing: false)
        let digits = try #require(frame.mnist)
        #expect(digits.firstLayer.count == 16 && digits.firstLayer.allSatisfy { $0.count == 784 })
        #expect(digits.confusion.count == 10 && digits.confusion.joined().reduce(0, +) == 150)
        #expect(try #require(frame.testAccuracy) > 0.9)
        #expect(Double((0..<10).map { digits.confusion[$0][$0] }.reduce(0, +)) / 150 == frame.testAccuracy)
        #expect(session.layerSizes == [784, 20, 10])
    }

    private func bigEndian(_ value: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(value).bigEndian, Array.init) }

    @Test func resetDrawsTheSameWeightsAgain() throws {
        let session = try PlaygroundSession(config: PlaygroundConfig())
        let initial = session.frame(playing: false)
        try session.train(steps: 20)
        session.reset()
        let again = session.frame(playing: false)
        #expect(again.step == 0 && again.trainLoss == initial.trainLoss && again.weights! == initial.weights!)
    }

    @Test func numbersKeepFourSignificantDigits() {
        #expect(SignificantDigits.round(0.123456) == 0.1235)
        #expect(SignificantDigits.round(-98765.4) == -98770)
        #expect(SignificantDigits.round(1.5e-7) == 1.5e-7)
        #expect(SignificantDigits.round(0.0) == 0)
        #expect(SignificantDigits.round(Double.nan) == nil && SignificantDigits.round(-Double.infinity) == nil)
        #expect(SignificantDigits.round(Float.greatestFiniteMagnitude) != nil)
    }
}
