import Foundation
import Testing
@testable import Neurite

/// The code blocks of the DocC articles in `Sources/Neurite/Neurite.docc`, compiled and run here.
/// `articlesHoldTheseBlocksVerbatim` checks that every `swift` block of every article appears
/// below, in order, exactly as compiled, so the articles cannot drift from code that works.
@Suite("DocC articles", .isolatedRandom)
struct DocumentationArticleTests {
    @Test func yourFirstNetwork() throws {
        // ARTICLE-BEGIN YourFirstNetwork
        Neurite.seed(1)                                   // the same weights on every run
        let data = try MNIST.load()                       // the copy shipped with the package
        let train = data.train.prefix(2_000), test = data.test.prefix(500)

        var model = Sequential {
            Dense(784, 64, activation: .relu)             // 784 pixels in, 64 hidden units
            Dense(64, 10)                                 // one logit per digit
        }
        var optimizer = SGD(learningRate: 0.05, momentum: 0.9)

        for epoch in 1...3 {
            for batch in train.batches(size: 32, shuffled: true, seed: UInt64(epoch)) {
                let (loss, gradients) = try valueWithGradient(of: model) { model in
                    try crossEntropy(logits: model(batch.inputs), labels: batch.labels)
                }
                optimizer.update(&model, along: gradients)
                if loss.scalar.isNaN { print("the loss diverged: lower the learning rate") }
            }
            print("epoch \(epoch): test accuracy", try model.accuracy(on: test))
        }
        // ARTICLE-END

        // ARTICLE-BEGIN YourFirstNetwork
        let probabilities = try softmax(model.predict(test.inputs))
        let predicted = probabilities.argmax(alongAxis: 1)
        print("predicted", predicted[0..<10].scalars, "labels", test.labels.prefix(10))
        print("confidence of the first", probabilities[0, ...].max().scalar)
        // ARTICLE-END

        #expect(try model.accuracy(on: test) > 0.8)
        #expect(predicted.shape == [500])

        // The article's `examples`: the package's Examples/digits folder.
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Examples/digits")
        // ARTICLE-BEGIN YourFirstNetwork
        let picture = try PNGImage(contentsOf: examples.appendingPathComponent("drawn-7.png"))
        let digit = try MNIST.digit(from: picture)        // 28×28 bytes, prepared as MNIST's digits were
        let pixels = try Tensor(shape: [1, 784], scalars: digit.map { (Float($0) / 255 - data.pixelMean) / data.pixelStandardDeviation })
        print("the drawing reads as", try model.predict(pixels).argmax(alongAxis: 1).scalars)
        // ARTICLE-END
        #expect(picture.width == 280 && digit.count == 784)
    }

    @Test func regressionAndMultiLabel() throws {
        // ARTICLE-BEGIN RegressionAndMultiLabel
        Neurite.seed(1)
        let x = Tensor.linspace(-3, 3, count: 512).reshaped([-1, 1])
        let data = try Dataset(inputs: x, targets: x.sin())
        let model = Sequential {
            Dense(1, 32, activation: .relu)
            Dense(32, 32, activation: .relu)
            Dense(32, 1)                                  // linear head: any real number
        }
        let history = try model.fit(data, loss: .meanSquaredError, optimizer: Adam(learningRate: 1e-2),
                                    epochs: 40, batchSize: 32, validationSplit: 0.1)
        print("validation mean squared error", history.epochs.last!.validationLoss!)
        // ARTICLE-END

        // ARTICLE-BEGIN RegressionAndMultiLabel
        Neurite.seed(2)
        let features = Tensor.randomNormal([400, 5])
        let labels01 = [
            features[..., 0] .> 0,                        // label 0: the first feature is positive
            features[..., 1] + features[..., 2] .> 0.5,   // label 1: a sum above a threshold
            features[..., 3].abs() .< 0.5,                // label 2: the fourth feature is small
        ].stacked(alongAxis: 1)                           // [400, 3] of 0/1

        let tags = try Dataset(inputs: features, targets: labels01)
        let tagger = Sequential { Dense(5, 16, activation: .relu); Dense(16, 3) }
        let tagHistory = try tagger.fit(tags, loss: .binaryCrossEntropy(fromLogits: true),
                                        optimizer: Adam(learningRate: 1e-2), epochs: 40,
                                        validationSplit: 0.2, metrics: [.microF1(threshold: 0.5)])
        print("validation micro-F1", tagHistory.epochs.last!.validationMetrics["micro-F1"]!)

        let predicted = try tagger.predict(features).sigmoid() .> 0.5
        let perLabel = (predicted .== labels01).mean(alongAxis: 0)
        print("accuracy per label", perLabel.scalars)
        // ARTICLE-END

        #expect(history.epochs.last!.validationLoss! < 0.01)
        #expect(tagHistory.epochs.last!.validationMetrics["micro-F1"]! > 0.85)
        #expect(perLabel.scalars.allSatisfy { $0 > 0.85 })
    }

    @Test func writingACustomLayer() throws {
        // ARTICLE-BEGIN WritingACustomLayer
        struct Residual: Layer {
            var first = Dense(16, 16, activation: .relu), second = Dense(16, 16)
            func callAsFunction(_ x: Tensor) throws -> Tensor {
                try relu(x + second(first(x)))
            }
        }

        struct Regressor: Layer {
            var input = Dense(4, 16, activation: .relu)
            var blocks = [Residual(), Residual()]
            @Parameter var scale = Tensor.ones([1])         // a learnable tensor of its own
            var head = Dense(16, 1)

            func callAsFunction(_ x: Tensor) throws -> Tensor {
                var h = try input(x)
                for block in blocks { h = try block(h) }
                return try head(h) * scale
            }
        }
        // ARTICLE-END

        // ARTICLE-BEGIN WritingACustomLayer
        Neurite.seed(3)
        var model = Regressor()
        print(model.namedParameters.map(\.name).prefix(4))  // ["input.weight", "input.bias", "blocks.0.first.weight", …]
        print(model.parameterCount, "parameters")

        let x = Tensor.randomUniform([64, 4], from: -1, to: 1)
        let y = x.sum(alongAxis: 1, keepingDimension: true).sin()
        var optimizer = SGD(learningRate: 0.02, momentum: 0.9)
        var firstLoss: Float = 0, lastLoss: Float = 0
        for step in 0..<100 {
            let (loss, gradients) = try valueWithGradient(of: model) { model in
                try meanSquaredError(predictions: model(x), targets: y)
            }
            optimizer.update(&model, along: gradients)
            if step == 0 { firstLoss = loss.scalar }
            lastLoss = loss.scalar
        }
        print("loss \(firstLoss) → \(lastLoss)")
        // ARTICLE-END

        #expect(model.namedParameters.count == 13)
        #expect(lastLoss < firstLoss / 2)
    }

    @Test func savingAndLoading() throws {
        // ARTICLE-BEGIN SavingAndLoading
        Neurite.seed(5)
        var model = Sequential { Dense(2, 8, activation: .tanh); Dense(8, 1) }
        let x: Tensor = [[0, 0], [0, 1], [1, 0], [1, 1]]
        let y: Tensor = [[0], [1], [1], [0]]
        var optimizer = SGD(learningRate: 0.1, momentum: 0.9)

        var best = model.copy(), bestLoss = Float.infinity
        let alias = model                                   // the same weights under a second name
        for _ in 0..<300 {
            let (loss, gradients) = try valueWithGradient(of: model) { model in
                try meanSquaredError(predictions: model(x), targets: y)
            }
            if loss.scalar < bestLoss { (best, bestLoss) = (model.copy(), loss.scalar) }
            optimizer.update(&model, along: gradients)
        }
        print("best loss", bestLoss)
        print("alias follows the model:", alias.state == model.state)      // true
        print("the copy kept its weights:", best.state != model.state)     // true
        // ARTICLE-END

        // ARTICLE-BEGIN SavingAndLoading
        let snapshot = best.state
        try model.load(snapshot)                            // the model now holds the best weights
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("xor.safetensors")
        try model.save(to: url, metadata: ["architecture": "dense(8, tanh) dense(1)"])

        let restored = Sequential { Dense(2, 8, activation: .tanh); Dense(8, 1) }
        let metadata = try restored.load(from: url)
        print(metadata["architecture"]!, try restored(x) == model(x))    // … true
        try FileManager.default.removeItem(at: url)
        // ARTICLE-END

        #expect(alias.state == model.state && bestLoss < 0.1)
        #expect(try restored(x) == best(x))
    }

    @Test func gradientDiagnostics() throws {
        // ARTICLE-BEGIN GradientDiagnostics
        Neurite.seed(4)
        let x = Tensor.randomNormal([64, 16])
        let labels = (0..<64).map { $0 % 4 }
        let deep = Sequential {
            Dense(16, 16, activation: .sigmoid)
            Dense(16, 16, activation: .sigmoid)
            Dense(16, 16, activation: .sigmoid)
            Dense(16, 16, activation: .sigmoid)
            Dense(16, 4)
        }
        let (_, gradients) = try valueWithGradient(of: deep) { model in
            try crossEntropy(logits: model(x), labels: labels)
        }
        for (name, statistics) in gradients.statistics where name.hasSuffix("bias") {
            print(name.padding(toLength: 16, withPad: " ", startingAt: 0), statistics)
        }
        let biasNorms = gradients.statistics.filter { $0.name.hasSuffix("bias") }.map(\.statistics.norm)
        print("last/first bias gradient norm:", biasNorms.last! / biasNorms.first!)
        // ARTICLE-END

        // ARTICLE-BEGIN GradientDiagnostics
        let clipped = gradients.clipped(toNorm: 0.01)
        print("norm before", gradients.globalNorm, "after", clipped.globalNorm)   // after: 0.01
        // ARTICLE-END

        #expect(biasNorms.last! / biasNorms.first! > 10)
        #expect(abs(clipped.globalNorm - 0.01) < 1e-5)
    }

    @Test func shapeErrors() throws {
        // ARTICLE-BEGIN ShapeErrors
        let a: Tensor = [1, 2, 3]
        let b: Tensor = [[10], [20]]
        print((a + b).shape)                          // [2, 3]: shapes broadcast as in NumPy

        do {
            _ = try withTensorErrors { a + Tensor([1, 2]) }
        } catch {
            print(error)                              // add: shapes [3] and [2] are incompatible
        }
        // ARTICLE-END

        // ARTICLE-BEGIN ShapeErrors
        let layer = Dense(3, 2, seed: 1)
        do {
            _ = try layer(Tensor.ones([4, 5]))
        } catch {
            print(error)                              // Dense(3, 2) expects input of shape [batch, 3], got [4, 5]
        }
        // ARTICLE-END

        // ARTICLE-BEGIN ShapeErrors
        let model = Dense(2, 1, seed: 1)
        do {
            _ = try valueWithGradient(of: model) { model in
                try (model(.ones([4, 2])) - [[1], [2], [3]]).sum()
            }
        } catch {
            print(error)                              // subtract: shapes [4, 1] and [3, 1] are incompatible
        }
        // ARTICLE-END

        #expect((a + b).scalars == [11, 12, 13, 21, 22, 23])
    }

    @Test func articlesHoldTheseBlocksVerbatim() throws {
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let catalog = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/Neurite/Neurite.docc")
        var compiled: [String: [String]] = [:]
        for match in source.matches(of: /\/\/ ARTICLE-BEGIN (\w+)\n([\s\S]*?)        \/\/ ARTICLE-END/) {
            let block = match.output.2.split(separator: "\n", omittingEmptySubsequences: false)
                .map { (line: Substring) -> String in String(line.dropFirst(Swift.min(8, line.prefix(while: { $0 == " " }).count))) }
                .joined(separator: "\n")
            compiled[String(match.output.1), default: []].append(block)
        }
        let articles = try FileManager.default.contentsOfDirectory(atPath: catalog.path).filter { $0 != "Neurite.md" && $0.hasSuffix(".md") }
        #expect(articles.count == 6)
        for article in articles {
            let text = try String(contentsOf: catalog.appendingPathComponent(article), encoding: .utf8)
            let blocks = text.matches(of: /```swift\n([\s\S]*?)```/).map { String($0.output.1) }
            let name = String(article.dropLast(3))
            #expect(blocks == compiled[name, default: []], "\(article): its swift blocks must be those compiled in this file")
        }
    }
}
