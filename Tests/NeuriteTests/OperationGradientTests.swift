import Testing
@testable import Neurite

@Suite("Gradients of operations against finite differences")
struct OperationGradientTests {
    let a = awayFromZero([3, 4], seed: 1)
    let b = awayFromZero([3, 4], seed: 2)
    let row = awayFromZero([4], seed: 3)
    let column = awayFromZero([3, 1], seed: 4)

    @Test func addition() throws {
        try expectGradientsMatchFiniteDifferences(at: [a, b]) { try project($0[0] + $0[1]) }
    }

    @Test func broadcastAdditionReducesGradientToOperandShape() throws {
        try expectGradientsMatchFiniteDifferences(at: [a, row]) { try project($0[0] + $0[1]) }
        try expectGradientsMatchFiniteDifferences(at: [column, row]) { try project($0[0] + $0[1]) }
    }

    @Test func subtraction() throws {
        try expectGradientsMatchFiniteDifferences(at: [a, column]) { try project($0[0] - $0[1]) }
    }

    @Test func multiplication() throws {
        try expectGradientsMatchFiniteDifferences(at: [a, b]) { try project($0[0] * $0[1]) }
        try expectGradientsMatchFiniteDifferences(at: [a, row]) { try project($0[0] * $0[1]) }
    }

    @Test func division() throws {
        try expectGradientsMatchFiniteDifferences(at: [a, b]) { try project($0[0] / $0[1]) }
        try expectGradientsMatchFiniteDifferences(at: [a, column]) { try project($0[0] / $0[1]) }
    }

    @Test func scalarArithmetic() throws {
        try expectGradientsMatchFiniteDifferences(at: [a]) { try project(2 * $0[0] + 1 - $0[0] / 4 - (-$0[0])) }
        try expectGradientsMatchFiniteDifferences(at: [a]) { try project(1 / $0[0]) }
    }

    @Test func valueUsedTwiceAccumulatesGradient() throws {
        // f = Σ x·x: each use contributes x, so ∂f/∂x = 2x.
        let gradient = try Neurite.gradient(at: a) { x in (x * x).sum() }
        #expect(gradient.scalars == a.scalars.map { 2 * $0 })
        try expectGradientsMatchFiniteDifferences(at: [a]) { x in
            let y = x[0].exp()
            return try project(y * y + relu(y) - y)
        }
    }

    @Test func elementwiseMath() throws {
        let positive = Kernels.map(a) { abs($0) + 0.5 }
        try expectGradientsMatchFiniteDifferences(at: [a]) { try project($0[0].exp()) }
        try expectGradientsMatchFiniteDifferences(at: [positive]) { try project($0[0].log()) }
        try expectGradientsMatchFiniteDifferences(at: [positive]) { try project($0[0].squareRoot()) }
        try expectGradientsMatchFiniteDifferences(at: [a]) { try project($0[0].squared()) }
        try expectGradientsMatchFiniteDifferences(at: [positive]) { try project($0[0].raised(to: 1.5)) }
        try expectGradientsMatchFiniteDifferences(at: [a]) { try project($0[0].absolute()) }
        // Bounds at ±0.3 with inputs at least h away from them: clamp has kinks there.
        let spread = try Tensor(shape: [6], scalars: [-0.9, -0.4, -0.1, 0.2, 0.5, 0.8])
        try expectGradientsMatchFiniteDifferences(at: [spread]) { try project($0[0].clamped(to: -0.3...0.3)) }
    }

    @Test func matrixProducts() throws {
        let x = awayFromZero([3, 5], seed: 5), w = awayFromZero([5, 2], seed: 6)
        try expectGradientsMatchFiniteDifferences(at: [x, w]) { try project(matmul($0[0], $0[1])) }
        let batch = awayFromZero([2, 3, 5], seed: 7), other = awayFromZero([2, 5, 4], seed: 8)
        try expectGradientsMatchFiniteDifferences(at: [batch, other]) { try project(matmul($0[0], $0[1])) }
        try expectGradientsMatchFiniteDifferences(at: [batch, w]) { try project(matmul($0[0], $0[1])) }
    }

    @Test func reductions() throws {
        let cube = awayFromZero([2, 3, 4], seed: 9)
        try expectGradientsMatchFiniteDifferences(at: [cube]) { $0[0].sum() * 0.5 }
        try expectGradientsMatchFiniteDifferences(at: [cube]) { $0[0].mean() }
        for axis in [0, 1, 2, -1] {
            try expectGradientsMatchFiniteDifferences(at: [cube]) { try project($0[0].sum(alongAxis: axis)) }
            try expectGradientsMatchFiniteDifferences(at: [cube]) { try project($0[0].mean(alongAxis: axis, keepingDimension: true)) }
            try expectGradientsMatchFiniteDifferences(at: [cube]) { try project($0[0].max(alongAxis: axis)) }
        }
    }

    @Test func shapeOperations() throws {
        let cube = awayFromZero([2, 3, 4], seed: 10)
        try expectGradientsMatchFiniteDifferences(at: [cube]) { try project($0[0].reshaped([6, 4])) }
        try expectGradientsMatchFiniteDifferences(at: [cube]) { try project($0[0].permuted([2, 0, 1])) }
        try expectGradientsMatchFiniteDifferences(at: [a]) { try project($0[0].transposed()) }
        try expectGradientsMatchFiniteDifferences(at: [a]) { try project($0[0].rows([2, 0, 2])) }
        try expectGradientsMatchFiniteDifferences(at: [a, b]) { try project(`where`(a .> 0, $0[0], $0[1])) }
    }
}
