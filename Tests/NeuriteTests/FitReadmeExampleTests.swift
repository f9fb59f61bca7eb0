import Foundation
import Testing
import Neurite

/// The README's `fit` example, compiled and run here; the README must hold it verbatim.
@Suite("README fit example")
struct FitReadmeExampleTests {
    static func example() throws -> History {
        // FIT-README-BEGIN
        let x = Tensor.randomUniform([512, 1], from: -3, to: 3, seed: 1)
        let data = try Dataset(inputs: x, targets: Tensor(shape: [512, 1], scalars: x.scalars.map { sin($0) }))
        let model = Sequential { Dense(1, 32, activation: .tanh); Dense(32, 1) }   // linear head
        let history = try model.fit(data, loss: .meanSquaredError, optimizer: SGD(learningRate: 0.05, momentum: 0.9),
                                    epochs: 40, batchSize: 32, validationSplit: 0.1, metrics: [.r2],
                                    callbacks: [EarlyStopping(patience: 5)], seed: 1)
        print("validation R²:", history.last!.validationMetrics["R²"]!)
        // FIT-README-END
        return history
    }

    @Test func exampleLearnsTheWave() throws {
        let history = try Self.example()
        #expect(history.last!.validationMetrics["R²"]! > 0.9)
    }

    @Test func readmeHoldsTheExample() throws {
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let readme = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md"),
            encoding: .utf8)
        let begin = source.range(of: "// FIT-README-BEGIN\n")!, end = source.range(of: "        // FIT-README-END")!
        let block = source[begin.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
            .map { (line: Substring) -> String in String(line.dropFirst(Swift.min(8, line.prefix(while: { $0 == " " }).count))) }
            .joined(separator: "\n")
        #expect(readme.contains(block), "README.md must contain the fit example exactly as compiled here")
    }
}
