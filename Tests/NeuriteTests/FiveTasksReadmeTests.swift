import Foundation
import Testing
@testable import Neurite

/// The README's "Five tasks", compiled and run here: each task's example learns its problem to
/// the floor of the issue, and `readmeHoldsEachTaskVerbatim` keeps the README's copies identical.
@Suite("README five tasks")
struct FiveTasksReadmeTests {
    @Test func signedRegressionFitsSine() throws {
        // README-BEGIN
        let x = Tensor.randomUniform([512, 1], from: -3, to: 3, seed: 1)
        let data = try Dataset(inputs: x, targets: Tensor(shape: [512, 1], scalars: x.scalars.map(sin)))
        let model = Sequential {
            Dense(1, 32, activation: .relu, seed: 1)
            Dense(32, 32, activation: .relu, seed: 2)
            Dense(32, 1, seed: 3)                       // linear head: any real number
        }
        let history = try model.fit(data, loss: .meanSquaredError, optimizer: Adam(learningRate: 0.01),
                                    epochs: 60, batchSize: 32, validationSplit: 0.1, metrics: [.r2])
        print("validation R²:", history.last!.validationMetrics["R²"]!)
        // README-END
        #expect(history.last!.validationMetrics["R²"]! >= 0.95)
    }

    @Test func binaryClassifierFindsTheCircle() throws {
        // README-BEGIN
        let points = Tensor.randomUniform([1000, 2], from: -1.5, to: 1.5, seed: 2)
        let inside = points.squared().sum(alongAxis: 1, keepingDimension: true) .< 1    // [1000, 1] of 0/1
        let classifier = Sequential {
            Dense(2, 16, activation: .relu, seed: 1)
            Dense(16, 1, seed: 2)                       // one logit: the sigmoid lives in the loss
        }
        let history = try classifier.fit(
            Dataset(inputs: points, targets: inside), loss: .binaryCrossEntropy(fromLogits: true),
            optimizer: Adam(learningRate: 0.01), epochs: 30, batchSize: 32, validationSplit: 0.2, metrics: [.accuracy])
        // README-END
        #expect(history.last!.validationMetrics["accuracy"]! >= 0.95)
    }

    @Test func nonNegativeRegressionStaysAboveZero() throws {
        // README-BEGIN
        let x = Tensor.randomUniform([512, 1], from: -2, to: 2, seed: 3)
        let head = Dense(32, 1, activation: .relu, initializer: .zeros)     // ReLU head: never below zero
        head.bias!.value = Tensor([x.squared().mean().scalar])  // starts at the mean, alive for every sample
        let regressor = Sequential {
            Dense(1, 32, activation: .relu, seed: 1)
            head
        }
        let history = try regressor.fit(
            Dataset(inputs: x, targets: x.squared()), loss: .meanSquaredError,
            optimizer: Adam(learningRate: 0.01), epochs: 60, batchSize: 32, validationSplit: 0.1, metrics: [.r2])
        // README-END
        #expect(history.last!.validationMetrics["R²"]! >= 0.9)
        let grid = try Tensor(shape: [101, 1], scalars: (0...100).map { -3 + 0.06 * Float($0) })
        #expect(try regressor.predict(grid).scalars.allSatisfy { $0 >= 0 })
    }

    @Test func multiclassClassifierSeparatesClusters() throws {
        // README-BEGIN
        let centres: [[Float]] = [[0, 2], [-2, -1], [2, -1]]
        let labels = (0..<600).map { $0 % 3 }
        let points = try Tensor(rows: labels.map { centres[$0] }) + Tensor.randomNormal([600, 2], standardDeviation: 0.6, seed: 4)
        let model = Sequential {
            Dense(2, 16, activation: .relu, seed: 1)
            Dense(16, 3, seed: 2)                       // three logits: the softmax lives in the loss
        }
        let history = try model.fit(
            Dataset(inputs: points, labels: labels), loss: .crossEntropy,
            optimizer: Adam(learningRate: 0.01), epochs: 20, batchSize: 32, validationSplit: 0.2, metrics: [.accuracy])
        // README-END
        #expect(history.last!.validationMetrics["accuracy"]! >= 0.9)
    }

    @Test func multiLabelTaggerTagsEachLabel() throws {
        // README-BEGIN
        let x = Tensor.randomUniform([800, 2], from: -1, to: 1, seed: 5)
        let tags = try Tensor(rows: (0..<800).map { i -> [Float] in       // three yes/no tags per sample
            [x[i, 0] > 0 ? 1 : 0, x[i, 1] > 0 ? 1 : 0, x[i, 0] + x[i, 1] > 0.5 ? 1 : 0]
        })
        let tagger = Sequential {
            Dense(2, 32, activation: .relu, seed: 1)
            Dense(32, 3, seed: 2)                       // one logit per tag
        }
        let history = try tagger.fit(
            Dataset(inputs: x, targets: tags), loss: .binaryCrossEntropy(fromLogits: true),
            optimizer: Adam(learningRate: 0.01), epochs: 40, batchSize: 32, validationSplit: 0.2, metrics: [.microF1(threshold: 0.5)])
        // README-END
        #expect(history.last!.validationMetrics["micro-F1"]! >= 0.9)
    }

    @Test func readmeHoldsEachTaskVerbatim() throws {
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let readme = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md"),
            encoding: .utf8)
        let blocks = source.components(separatedBy: "// README-BEGIN\n").dropFirst().map { part in
            part.components(separatedBy: "        // README-END")[0]
                .split(separator: "\n", omittingEmptySubsequences: false)
                .map { String($0.dropFirst(Swift.min(8, $0.prefix(while: { $0 == " " }).count))) }
                .joined(separator: "\n")
        }
        #expect(blocks.count == 5)
        for block in blocks {
            #expect(block.split(separator: "\n").count <= 12, "a task's example must stay within 12 lines:\n\(block)")
            #expect(readme.contains("```swift\n" + block + "```"), "README.md must hold this example verbatim:\n\(block)")
        }
    }
}
