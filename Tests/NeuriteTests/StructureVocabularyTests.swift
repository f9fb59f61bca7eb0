import Foundation
import Testing
@testable import Neurite

@Suite("Creation, slicing, joining and reductions")
struct StructureVocabularyTests {
    /// [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]] plus a little noise, so that no two are equal.
    static let matrix = Tensor.arange(0, 12).reshaped([3, 4]) + Tensor.randomUniform([3, 4], from: 0, to: 0.5, seed: 3)

    @Test func literalsLinspaceAndArange() {
        let vector: Tensor = [1, 2.5, 3]
        #expect(vector.shape == [3] && vector.scalars == [1, 2.5, 3])
        let matrix = [[1, 2], [3, 4], [5, 6]] as Tensor
        #expect(matrix.shape == [3, 2] && matrix.scalars == [1, 2, 3, 4, 5, 6])
        #expect(([[[1], [2]]] as Tensor).shape == [1, 2, 1])
        #expect(Tensor.linspace(-1, 1, count: 5).scalars == [-1, -0.5, 0, 0.5, 1])
        #expect(Tensor.linspace(0, 3, count: 1).scalars == [0])
        #expect(Tensor.arange(0, 1, step: 0.25).scalars == [0, 0.25, 0.5, 0.75])
        #expect((vector + 1).scalars == [2, 3.5, 4])  // a number literal still means a Float
    }

    @Test func slicingSelectsColumnsRangesAndStrides() {
        let x = Tensor.arange(0, 12).reshaped([3, 4])
        #expect(x[..., 0].shape == [3] && x[..., 0].scalars == [0, 4, 8])
        #expect(x[1..<3].scalars == [4, 5, 6, 7, 8, 9, 10, 11])
        #expect(x[..., 1...2].scalars == [1, 2, 5, 6, 9, 10])
        #expect(x[-1, ...].scalars == [8, 9, 10, 11])
        #expect(x[..., stride(from: 0, to: 4, by: 2)].scalars == [0, 2, 4, 6, 8, 10])
        #expect(x[stride(from: 2, through: 0, by: -2), 3].scalars == [11, 3])
        #expect(x[1, 2] == 6)  // integers alone still read one element
        #expect(x[2...].shape == [1, 4] && x[..<0].shape == [0, 4])
    }

    @Test func slicesAreDifferentiable() throws {
        try expectMatchesDoubleReference(at: [Self.matrix], weights: projectionWeights(9)) {
            $0[0][..., stride(from: 3, through: 0, by: -2)].concatenated(with: $0[0][..., 0])
        } reference: { inputs in
            let m: [Double] = inputs[0]
            return (0..<3).flatMap { (row: Int) -> [Double] in [m[row * 4 + 3], m[row * 4 + 1], m[row * 4]] }
        }
    }

    @Test func concatenatedStackedAndSplit() throws {
        let a: Tensor = [[1, 2], [3, 4]], b: Tensor = [[5], [6]]
        #expect([a, b].concatenated(alongAxis: 1).scalars == [1, 2, 5, 3, 4, 6])
        #expect([a, a].concatenated().shape == [4, 2])
        let stacked = [a, a * 2].stacked(alongAxis: 1)
        #expect(stacked.shape == [2, 2, 2] && stacked.scalars == [1, 2, 2, 4, 3, 4, 6, 8])
        let pieces = Tensor.arange(0, 10).reshaped([2, 5]).split(sizes: [2, 3], alongAxis: 1)
        #expect(pieces.map(\.shape) == [[2, 2], [2, 3]] && pieces[1].scalars == [2, 3, 4, 7, 8, 9])
        #expect(Tensor.arange(0, 6).split(into: 3).map(\.scalars) == [[0, 1], [2, 3], [4, 5]])

        let column = Tensor.randomNormal([3, 1], seed: 8)
        try expectMatchesDoubleReference(at: [Self.matrix, column], weights: projectionWeights(15)) { inputs in
            let joined = [inputs[0], inputs[1]].concatenated(alongAxis: 1)
            let halves = joined.split(sizes: [2, 3], alongAxis: 1)
            return [halves[1] * 2, halves[0].pow(2)].concatenated(alongAxis: 1).reshaped([-1]).split(into: 3).stacked(alongAxis: 1)
        } reference: { inputs in
            let m: [Double] = inputs[0], c: [Double] = inputs[1]
            let rows: [[Double]] = (0..<3).map { (r: Int) -> [Double] in Array(m[(r * 4)..<(r * 4 + 4)]) + [c[r]] }
            let transformed: [Double] = rows.flatMap { (row: [Double]) -> [Double] in
                row[2...].map { $0 * 2 } + row[..<2].map { $0 * $0 }
            }
            return (0..<5).flatMap { (i: Int) -> [Double] in (0..<3).map { transformed[$0 * 5 + i] } }
        }
    }

    @Test func reductionsAlongAxes() throws {
        let x: Tensor = [[1, 7, 3], [4, 2, 6]]
        #expect(x.sum(alongAxis: 0).scalars == [5, 9, 9])
        #expect(x.mean(alongAxis: 1).scalars == [11.0 / 3, 4])
        #expect(x.max(alongAxis: 1).scalars == [7, 6] && x.min(alongAxis: 0).scalars == [1, 2, 3])
        #expect(x.min().scalar == 1 && x.max().scalar == 7)
        #expect(x.variance(alongAxis: 0).scalars == [2.25, 6.25, 2.25])
        #expect(abs(x.variance().scalar - Float(115.0 / 6 - 23.0 * 23 / 36)) < 1e-5)
        #expect(x.argmax(alongAxis: 1) == [1, 2] as Tensor)
        #expect(x.argmax(alongAxis: 0, keepingDimension: true) == [[1, 0, 1]] as Tensor)
        #expect(x.argmax().scalar == 1 && x.argmaxIndices(alongAxis: 1) == [1, 2])

        for axis in [0, 1, -1] {
            let length = axis == 0 ? 3 : 4, other = axis == 0 ? 4 : 3
            func lane(_ m: [Double], _ j: Int) -> [Double] {
                (0..<length).map { axis == 0 ? m[$0 * 4 + j] : m[j * 4 + $0] }
            }
            try expectMatchesDoubleReference(at: [Self.matrix], weights: projectionWeights(other)) {
                $0[0].variance(alongAxis: axis)
            } reference: { inputs in
                (0..<other).map { j in
                    let values = lane(inputs[0], j), mean = values.reduce(0, +) / Double(length)
                    return values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(length)
                }
            }
            try expectMatchesDoubleReference(at: [Self.matrix], weights: projectionWeights(other)) {
                $0[0].min(alongAxis: axis) + $0[0].mean(alongAxis: axis)
            } reference: { inputs in
                (0..<other).map { j in lane(inputs[0], j).min()! + lane(inputs[0], j).reduce(0, +) / Double(length) }
            }
        }
    }
}

extension Tensor {
    /// Columns of `self` then those of `other` (a test shorthand).
    fileprivate func concatenated(with other: Tensor) -> Tensor {
        [self, other.reshaped([-1, 1])].concatenated(alongAxis: 1)
    }
}
