import Foundation
import Testing
@testable import Neurite

/// PyTorch's values and gradients for every ``Loss`` (scripts/make_loss_fixtures.py), and
/// finite-difference checks of the new losses' gradients.
@Suite("Losses as values")
struct LossValueTests {
    struct Case: Decodable {
        let name: String
        let outputShape: [Int], outputs: [Float], targetShape: [Int], targets: [Float]
        let value: Float, gradient: [Float]
        let labelSmoothing: Float?, positiveWeight: [Float]?, delta: Float?
    }

    static let cases: [Case] = {
        struct File: Decodable { let cases: [Case] }
        let url = Bundle.module.url(forResource: "losses", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }()

    static func loss(for reference: Case) -> Loss {
        switch reference.name {
        case let name where name.hasPrefix("crossEntropy"): return .crossEntropy(labelSmoothing: reference.labelSmoothing!)
        case "binaryCrossEntropy": return .binaryCrossEntropy(fromLogits: true)
        case "binaryCrossEntropy positiveWeight": return .binaryCrossEntropy(positiveWeight: Tensor(reference.positiveWeight!))
        case "meanSquaredError": return .meanSquaredError
        case "meanAbsoluteError": return .meanAbsoluteError
        default: return .huber(delta: reference.delta!)
        }
    }

    @Test(arguments: cases.map(\.name)) func matchesPyTorch(_ name: String) throws {
        let reference = Self.cases.first { $0.name == name }!
        let outputs = try Tensor(shape: reference.outputShape, scalars: reference.outputs)
        let targets = try Tensor(shape: reference.targetShape, scalars: reference.targets)
        let loss = Self.loss(for: reference)
        let (value, gradients) = try valueWithGradient(at: [outputs]) { try loss($0[0], targets) }
        #expect(abs(value.scalar - reference.value) <= 1e-5 * max(1, abs(reference.value)), "\(name): \(value.scalar) vs \(reference.value)")
        #expect(largestDifference(gradients[0].scalars, reference.gradient) <= 1e-6, "\(name) gradient")
    }

    @Test func newLossesHaveFiniteDifferenceGradients() throws {
        let outputs = awayFromZero([3, 4], seed: 1) * 2, targets = Tensor.randomNormal([3, 4], seed: 2)
        let binary = try Tensor(shape: [3, 4], scalars: (0..<12).map { Float($0 % 3 == 0 ? 1 : 0) })
        let labels = Tensor([2, 0, 3])
        let losses: [(Loss, Tensor)] = [
            (.crossEntropy(labelSmoothing: 0.2), labels), (.meanAbsoluteError, targets), (.huber(delta: 0.7), targets),
            (.binaryCrossEntropy(positiveWeight: Tensor([1.5, 0.5, 2, 1])), binary),
            (.binaryCrossEntropy(fromLogits: false, positiveWeight: Tensor([1.5, 0.5, 2, 1])), binary),
        ]
        for (index, (loss, target)) in losses.enumerated() {
            // The last loss takes probabilities, not logits.
            let input = index == losses.count - 1 ? sigmoid(outputs).detached : outputs
            try expectGradientsMatchFiniteDifferences(at: [input]) { try loss($0[0], target) }
        }
        try expectGradientsMatchFiniteDifferences(at: [outputs, Tensor.randomUniform([3, 4], seed: 3)]) {
            try binaryCrossEntropy(logits: $0[0], targets: $0[1], positiveWeight: Tensor([1.5, 0.5, 2, 1]))
        }
    }

    @Test func linksTurnOutputsIntoPredictions() throws {
        let outputs = try Tensor(rows: [[0, Float(log(3.0))]])
        #expect(largestDifference(try Loss.crossEntropy.predictions(from: outputs).scalars, [0.25, 0.75]) < 1e-6)
        #expect(largestDifference(try Loss.binaryCrossEntropy().predictions(from: outputs).scalars, [0.5, 0.75]) < 1e-6)
        #expect(try Loss.meanSquaredError.predictions(from: outputs) == outputs)
        #expect(try Loss.binaryCrossEntropy(fromLogits: false).predictions(from: outputs) == outputs)
    }

    @Test func regressionTargetsOfAnotherLayoutAreReshapedAndBadShapesThrow() throws {
        let outputs = try Tensor(shape: [3, 1], scalars: [1, 2, 3])
        #expect(try Loss.meanSquaredError(outputs, Tensor([1, 2, 5])).scalar == 4.0 / 3)
        #expect(throws: TensorError.self) { try Loss.meanSquaredError(outputs, Tensor([1, 2])) }
        #expect(throws: TensorError.self) { try Loss.crossEntropy(try Tensor(rows: [[1, 2]]), Tensor([2])) }
        #expect(throws: TensorError.self) { try Loss.crossEntropy(try Tensor(rows: [[1, 2]]), Tensor([0.5])) }
    }

    @Test func smoothingOfZeroIsBitForBitThePlainLoss() throws {
        let logits = Tensor.randomNormal([8, 5], seed: 4), labels = [0, 1, 2, 3, 4, 0, 1, 2]
        let plain = try valueWithGradient(at: [logits]) { try crossEntropy(logits: $0[0], labels: labels) }
        let viaValue = try valueWithGradient(at: [logits]) { try Loss.crossEntropy($0[0], Tensor(labels.map(Float.init))) }
        #expect(plain.value == viaValue.value && plain.gradients == viaValue.gradients)
    }
}
