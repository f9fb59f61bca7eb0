import Foundation
import Testing
@testable import Neurite

@Suite("Element-wise vocabulary against float64")
struct ElementwiseVocabularyTests {
    static let x = awayFromZero([2, 3], seed: 11)
    static let positive = Tensor.randomUniform([2, 3], from: 0.5, to: 2, seed: 12)

    func check(_ input: Tensor, _ operation: @escaping (Tensor) -> Tensor, _ reference: @escaping (Double) -> Double) throws {
        try expectMatchesDoubleReference(at: [input], weights: projectionWeights(input.count)) {
            operation($0[0])
        } reference: { $0[0].map(reference) }
    }

    @Test func trigonometryAndExponentials() throws {
        try check(Self.x, { $0.sin() }, Foundation.sin)
        try check(Self.x, { $0.cos() }, Foundation.cos)
        try check(Self.x, { $0.exp() }, Foundation.exp)
        try check(Self.positive, { $0.log() }, Foundation.log)
        try check(Self.positive, { $0.sqrt() }, Foundation.sqrt)
    }

    @Test func absPowSigmoidTanh() throws {
        try check(Self.x, { $0.abs() }, Swift.abs)
        try check(Self.positive, { $0.pow(1.5) }, { Foundation.pow($0, 1.5) })
        try check(Self.x, { $0.pow(3) }, { $0 * $0 * $0 })
        try check(Self.x, { $0.sigmoid() }, { 1 / (1 + Foundation.exp(-$0)) })
        try check(Self.x, { $0.tanh() }, Foundation.tanh)
    }

    @Test func powerOfTwoTensorsBroadcasts() throws {
        let exponent = Tensor([0.5, 2, -1])
        try expectMatchesDoubleReference(at: [Self.positive, exponent], weights: projectionWeights(6)) {
            pow($0[0], $0[1])
        } reference: { inputs in
            (0..<6).map { Foundation.pow(inputs[0][$0], inputs[1][$0 % 3]) }
        }
    }

    @Test func mapIsElementwiseAndUntracked() throws {
        let rounded = ([0.4, 1.6, -2.5] as Tensor).map { $0.rounded() }
        #expect(rounded.scalars == [0, 2, -3])
        let gradient = try Neurite.gradient(at: Tensor([1, 2])) { $0.map { $0 * 3 }.sum() + $0.sum() }
        #expect(gradient.scalars == [1, 1])  // only the tracked term contributes
    }

    @Test func comparisonsGiveMasksWithBroadcasting() {
        let a: Tensor = [[1, 5], [3, 3]]
        let b: Tensor = [3, 3]
        #expect((a .> b).scalars == [0, 1, 0, 0])
        #expect((a .>= b).scalars == [0, 1, 1, 1])
        #expect((a .< b).scalars == [1, 0, 0, 0])
        #expect((a .<= b).scalars == [1, 0, 1, 1])
        #expect((a .== b).scalars == [0, 0, 1, 1])
        #expect((a .!= b).scalars == [1, 1, 0, 0])
        #expect((a .!= 3).scalars == [1, 1, 0, 0])
    }
}
