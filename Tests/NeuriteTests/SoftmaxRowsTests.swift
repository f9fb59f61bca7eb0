import Foundation
import Testing
@testable import Neurite

/// The vectorized row softmax (softmax.c) behind `softmax`, the cross-entropy and the
/// predictions, against a float64 computation: rows shorter than a vector, with a tail, and
/// wide, with logits far from zero (the maximum is subtracted before exp).
@Suite("Softmax rows")
struct SoftmaxRowsTests {
    @Test(arguments: [1, 7, 8, 10, 13, 64])
    func matchesFloat64(columns: Int) throws {
        let rows = 3
        let logits = Tensor.randomNormal([rows, columns], standardDeviation: 20, seed: UInt64(columns)) + 30
        let softmax = Kernels.softmaxRows(logits, rows: rows, columns: columns)
        let probabilities = softmax.probabilities, logSumExp = (0..<rows).map(softmax.logSumExp)
        for row in 0..<rows {
            let z = (0..<columns).map { Double(logits.scalars[row * columns + $0]) }
            let largest = z.max()!, total = z.map { Foundation.exp($0 - largest) }.reduce(0, +)
            #expect(abs(Double(logSumExp[row]) - (largest + Foundation.log(total))) <= 1e-5 * max(abs(largest), 1))
            for j in 0..<columns {
                let expected = Foundation.exp(z[j] - largest) / total
                #expect(abs(Double(probabilities.scalars[row * columns + j]) - expected) <= 1e-5 * max(expected, 1e-3), "row \(row) column \(j)")
            }
        }
    }

    @Test(arguments: [1, 9])  // in the full vector, and in the masked last one
    func nanLogitsGiveNaN(at position: Int) {
        var values: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        values[position] = .nan
        let softmax = Kernels.softmaxRows(Tensor(values), rows: 1, columns: 10)
        #expect(softmax.logSumExp(0).isNaN && softmax.probabilities.scalars.allSatisfy(\.isNaN))
    }
}
