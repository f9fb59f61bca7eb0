import Foundation
import Testing
@testable import Neurite

/// A layer's input is outside input: whatever its shape (no axes, empty axes, one axis too few or
/// too many, a wrong size), a layer must return or throw a typed error, never stop the program.
/// And inside ``withTensorErrors(_:)`` no tensor operation may stop it either. Seeded random
/// shapes, mostly one edit away from a shape the layer takes, where a forgotten check hides.
@Suite("Hostile inputs: tensor shapes")
struct HostileShapeTests {
    /// How many calls returned and how many threw; a throw must be an error a caller can act on
    /// (a trap ends the test run). Both must be common, or the rounds test one path only.
    struct Outcomes {
        var returned = 0, thrown = 0

        mutating func run(_ call: () throws -> Void, _ context: @autoclosure () -> String) {
            do {
                try call()
                returned += 1
            } catch {
                #expect(error is TensorError || error is SequenceMaskError, "\(context()): \(error)")
                thrown += 1
            }
        }

        func expectBoth(atLeast count: Int) {
            #expect(returned >= count && thrown >= count, "\(returned) returned, \(thrown) thrown")
        }
    }

    /// Each stopped the program with a precondition failure before it threw.
    @Test func shapesThatStoppedTheProgramThrow() throws {
        let scalar = Tensor(3)
        #expect(throws: TensorError.layerInput(layer: "softmax", expected: "at least one axis", got: [])) { try Activation.softmax(scalar) }
        #expect(throws: TensorError.layerInput(layer: "Flatten", expected: "[batch, …]", got: [])) { try Flatten()(scalar) }
        // A mask of no sequences over logits with no steps: zero real steps, a loss of 0, as for
        // an empty batch without a mask (it asked `reshaped` for [0, -1]).
        let none = try SequenceMask(lengths: [], steps: 3)
        #expect(try crossEntropy(logits: .zeros([2, 0, 3]), labels: [], mask: none).scalars == [0])
        // oneHot throws for a bad label; a negative or overflowing class count reached `zeros`'s precondition.
        #expect(throws: TensorError.invalidArgument("oneHot: class count -1 is negative")) { try Tensor.oneHot([0], classCount: -1) }
        #expect(throws: TensorError.self) { try Tensor.oneHot([0, 1], classCount: .max) }
        #expect(try Tensor.oneHot([], classCount: 0).shape == [0, 0])
    }

    @Test func layersGivenAnyShapeReturnOrThrow() throws {
        var generator = RandomGenerator(seed: 11)
        func random(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }
        // Each layer with a shape it takes.
        let layers: [(any Layer, [Int])] = [
            (Dense(4, 3, seed: 1), [2, 4]), (Conv2D(2, 3, kernelSize: 3, seed: 1), [2, 2, 5, 5]),
            (Conv2D(2, 3, kernelSize: 3, stride: 2, padding: .same, seed: 1), [2, 2, 5, 5]),
            (Conv2D(2, 16, kernelSize: 3, activation: .relu, seed: 1), [2, 2, 6, 6]),
            (MaxPool2D(2), [2, 3, 4, 4]), (AvgPool2D(3, stride: 2, padding: 1), [2, 3, 4, 4]),
            (GlobalAveragePooling2D(), [2, 3, 4, 4]), (Flatten(), [2, 3, 2]), (Reshape([2, 2]), [2, 4]),
            (BatchNorm(4), [3, 4]), (Embedding(5, 3, seed: 1), [2, 3]), (LSTM(3, 4, seed: 1), [2, 3, 3]),
            (GRU(3, 4, returning: .lastState, seed: 1), [2, 3, 3]), (SimpleRNN(3, 4, seed: 1), [2, 3, 3]),
            (Dropout(0.5, seed: 1), [2, 3]), (Activation.relu, [2, 3]), (Activation.softmax, [2, 3]),
        ]
        var outcomes = Outcomes()
        for round in 0..<3000 {
            let (layer, taken) = layers[round % layers.count]
            var shape = taken
            switch random(0...4) {
            case 0: shape[random(0...shape.count - 1)] = random(0...6)
            case 1: shape.removeLast()
            case 2: shape.append(random(1...3))
            case 3: shape = (0..<random(0...5)).map { _ in random(0...5) }
            default: break
            }
            // Integers (token ids for the embedding, some out of its range), NaN and fractions.
            let values = (0..<shape.reduce(1, *)).map { _ in [Float.nan, -3, 7, 2.5, 0, 1, 2, 3][random(0...7)] }
            let input = try Tensor(shape: shape, scalars: values)
            outcomes.run({
                _ = try withLayerMode(round % 2 == 0 ? .training : .evaluation) { try layer(input) }
                _ = try valueWithGradient(at: [input]) { try layer($0[0]).sum() }
            }, "\(type(of: layer)) on \(shape)")
        }
        outcomes.expectBoth(atLeast: 300)
    }

    @Test func recurrentLengthsMasksAndStatesReturnOrThrow() throws {
        var generator = RandomGenerator(seed: 12)
        func random(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }
        let layers: [any RecurrentLayer] = [LSTM(3, 4, seed: 1), GRU(3, 4, seed: 1), SimpleRNN(3, 4, returning: .lastState, seed: 1)]
        var outcomes = Outcomes()
        for round in 0..<1500 {
            let layer = layers[round % layers.count]
            var shape = [2, 3, 3]
            if random(0...2) == 0 { shape[random(0...2)] = random(0...4) }
            let input = Tensor.randomNormal(shape, seed: UInt64(round))
            // Half the time lengths that fit the batch of two and its three steps.
            let lengths = random(0...1) == 0 ? [random(1...3), random(1...3)] : (0..<random(0...3)).map { _ in random(-1...4) }
            let state = random(0...2) > 0 ? nil : RecurrentState(
                hidden: .zeros([random(0...3), random(3...5)]), cell: random(0...1) == 0 ? nil : .zeros([random(1...3), random(3...5)]))
            let calls: [() throws -> Void] = [
                { _ = try valueWithGradient(at: [input]) { try layer.unroll($0[0], lengths: lengths, from: state).sequence.sum() } },
                { _ = try layer(input, mask: try SequenceMask(lengths: lengths, steps: random(0...1) == 0 ? 3 : random(0...4))) },
                {
                    let mask = try SequenceMask(lengths: lengths, steps: 3)
                    let logits = Tensor.randomNormal([2, random(2...3), random(1...3)], seed: 2)
                    _ = try crossEntropy(logits: logits, labels: (0..<random(5...6)).map { _ in random(-1...2) }, mask: mask)
                },
            ]
            for call in calls { outcomes.run(call, "\(type(of: layer)) on \(shape), lengths \(lengths)") }
        }
        outcomes.expectBoth(atLeast: 300)
    }

    @Test func operationsInsideAScopeReturnOrThrow() throws {
        var generator = RandomGenerator(seed: 13)
        func random(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }
        func randomTensor() -> Tensor {
            let shape = (0..<random(0...4)).map { _ in random(0...4) }
            return Tensor.randomNormal(shape, seed: UInt64(random(0...1000)))
        }
        let operations: [(Tensor, Tensor, Tensor, Int) throws -> Tensor] = [
            { a, b, _, _ in a + b }, { a, b, _, _ in a / b }, { a, b, _, _ in matmul(a, b) },
            { a, b, _, _ in a.reshaped(b.shape) }, { a, _, _, axis in a.permuted([axis, 0, 1].prefix(a.rank).map { $0 }) },
            { a, _, _, axis in a.sum(alongAxis: axis) }, { a, _, _, axis in a.mean(alongAxis: axis, keepingDimension: true) },
            { a, _, _, axis in a.max(alongAxis: axis) }, { a, _, _, axis in a.argmax(alongAxis: axis) },
            { a, b, _, axis in [a, b].concatenated(alongAxis: axis) }, { a, b, _, axis in [a, b].stacked(alongAxis: axis) },
            { a, _, _, axis in a.split(into: axis, alongAxis: axis).first ?? a },
            { a, _, _, axis in a.split(sizes: [axis, 1], alongAxis: 0).first ?? a },
            { a, _, _, axis in a.rows([axis, 0]) }, { a, _, _, _ in a.transposed() },
            { a, b, c, _ in `where`(a .> 0, b, c) }, { a, b, _, _ in pow(a, b) },
            { a, _, _, axis in softmax(a, alongAxis: axis) }, { a, _, _, axis in logSoftmax(a, alongAxis: axis) },
            { a, _, _, axis in a.variance(alongAxis: axis) }, { a, _, _, _ in a.max() }, { a, _, _, _ in a.flattenedBatch() },
            { a, _, _, axis in a[axis] }, { a, _, _, axis in a[..., axis] },
            { a, _, _, axis in try crossEntropy(logits: a, labels: [axis, 0]) },
            { a, b, _, _ in try meanSquaredError(predictions: a, targets: b) },
            { a, b, _, _ in try binaryCrossEntropy(logits: a, targets: b) },
        ]
        var outcomes = Outcomes()
        for round in 0..<4000 {
            let (a, b, c, axis) = (randomTensor(), randomTensor(), randomTensor(), random(-5...5))
            let operation = operations[round % operations.count]
            outcomes.run({
                _ = try withTensorErrors { try operation(a, b, c, axis) }
                _ = try valueWithGradient(at: [a, b]) { try operation($0[0], $0[1], c, axis).sum() }
            }, "operation \(round % operations.count) on \(a.shape), \(b.shape), axis \(axis)")
        }
        outcomes.expectBoth(atLeast: 300)
    }
}
