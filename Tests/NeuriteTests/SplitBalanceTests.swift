import CNeuriteKernels
import Testing
@testable import Neurite

/// A large product split in two is cut where the measured speeds of the calling thread and the
/// worker say both finish together (split_balance.c); wherever the cut falls, every element is
/// computed the same way, so the numbers do not depend on how fast each core happened to be.
@Suite("Balanced split", .serialized)
struct SplitBalanceTests {
    @Test func theSlowerThreadGetsTheSmallerShareWithinBounds() {
        #expect(nk_split_balance_share(1) == 0.5)
        #expect(abs(nk_split_balance_share(1.5) - 0.6) < 1e-12)    // 0.6·1 = 0.4·1.5
        #expect(abs(nk_split_balance_share(1 / 1.5) - 0.4) < 1e-12)
        #expect(nk_split_balance_share(3) == 0.65)
        #expect(nk_split_balance_share(0.2) == 0.35)
        #expect(nk_split_balance_share(.nan) == 0.35)
    }

    @Test func eachJobMovesTheEstimateAnEighthOfTheWayAndOneOutlierLittle() {
        #expect(nk_split_balance_next(1, 100, 150) == 1.0625)
        #expect(nk_split_balance_next(1, 100, 10_000) == 1.125)     // read as 2 at most
        #expect(nk_split_balance_next(1, 10_000, 100) == 0.9375)    // and as 1/2 at least
        #expect(nk_split_balance_next(1.2, 0, 100) == 1.2)          // nothing measured
        var estimate = 1.0
        for _ in 0..<60 { estimate = nk_split_balance_next(estimate, 3, 4) }
        #expect(abs(estimate - 4.0 / 3.0) < 1e-3)
        #expect(abs(nk_split_balance_share(estimate) - 4.0 / 7.0) < 1e-3)
    }

    /// 96×512·512×448 split by columns: an even half (224 columns) takes the path that keeps B in
    /// L2 and adds all of K in one chain, while a 65% share (288 columns) would, on its own, take
    /// the packed path that adds K in blocks and rounds differently. 784×256 with A transposed
    /// is split by rows. (`nk_sgemm_cut_in_two` runs the cut job itself: through the dispatch,
    /// the thread count that other suites change meanwhile would decide whether it splits.)
    @Test(arguments: [(96, 448, 512, false), (784, 256, 128, true)])
    func theProductIsTheSameBitsWhereverTheCutFalls(shape: (rows: Int, columns: Int, inner: Int, transposedA: Bool)) {
        let (m, n, k) = (shape.rows, shape.columns, shape.inner)
        var generator = RandomGenerator(seed: 25)
        let a = (0..<m * k).map { _ in generator.nextNormal() }
        let b = (0..<k * n).map { _ in generator.nextNormal() }
        func product(callerShare: Double) -> [Float]? {
            var c = [Float](repeating: 0, count: m * n)
            let cut = nk_sgemm_cut_in_two(callerShare, shape.transposedA ? 1 : 0, shape.transposedA ? 1 : 0, m, n, k,
                                          a, shape.transposedA ? m : k, b, n, &c, n)
            return cut == 1 ? c : nil
        }
        guard let even = product(callerShare: 0.5) else {
            Issue.record("\(m)×\(k)·\(k)×\(n) is not cut in two")
            return
        }
        // Three whole rows (every column, so both blocks) against a double-precision reference.
        var worst = 0.0
        for row in [0, m / 2, m - 1] {
            for column in 0..<n {
                var sum = 0.0
                for p in 0..<k { sum += Double(shape.transposedA ? a[p * m + row] : a[row * k + p]) * Double(b[p * n + column]) }
                worst = max(worst, abs(Double(even[row * n + column]) - sum) / max(1, abs(sum)))
            }
        }
        #expect(worst < 1e-4, "the cut product is not the product: relative error \(worst)")
        for share in [0.35, 0.65] {
            let cut = product(callerShare: share)
            let differing = cut.map { zip($0, even).filter { $0.bitPattern != $1.bitPattern }.count }
            #expect(differing == 0, "caller share \(share): \(differing.map { "\($0) elements differ" } ?? "not cut")")
        }
    }
}
