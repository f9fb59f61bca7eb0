import Foundation
import Testing
@testable import Neurite

@Suite("Tensor")
struct TensorTests {
    @Test func creation() throws {
        #expect(Tensor.zeros([2, 3]).scalars == Array(repeating: 0, count: 6))
        #expect(Tensor.ones([2]).scalars == [1, 1])
        #expect(Tensor.full([1, 2], 7).scalars == [7, 7])
        #expect(Tensor.arange(0, 5).scalars == [0, 1, 2, 3, 4])
        #expect(Tensor.arange(1, 2, step: 0.25).scalars == [1, 1.25, 1.5, 1.75])
        let matrix = try Tensor(rows: [[1, 2, 3], [4, 5, 6]])
        #expect(matrix.shape == [2, 3])
        #expect(matrix[1, 2] == 6)
        #expect(throws: TensorError.self) { try Tensor(shape: [2, 2], scalars: [1, 2, 3]) }
        #expect(throws: TensorError.self) { try Tensor(rows: [[1, 2], [3]]) }
        #expect(throws: TensorError.self) { try Tensor(shape: [-1, 2], scalars: []) }
    }

    @Test func valueSemantics() throws {
        let original = Tensor([1, 2, 3])
        var copy = original
        copy[0] = 10
        #expect(original.scalars == [1, 2, 3])
        #expect(copy.scalars == [10, 2, 3])
    }

    @Test func seededRandomIsReproducible() {
        #expect(Tensor.randomNormal([100], seed: 42) == Tensor.randomNormal([100], seed: 42))
        #expect(Tensor.randomNormal([100], seed: 42) != Tensor.randomNormal([100], seed: 43))
        let uniform = Tensor.randomUniform([10_000], from: -2, to: 3, seed: 1).scalars
        #expect(uniform.allSatisfy { $0 >= -2 && $0 < 3 })
        let normal = Tensor.randomNormal([100_000], mean: 1, standardDeviation: 2, seed: 7)
        let statistics = TensorStatistics(normal)
        #expect(abs(statistics.mean - 1) < 0.03)
        #expect(abs(statistics.standardDeviation - 2) < 0.03)
    }

    @Test func broadcastingArithmetic() throws {
        let matrix = try Tensor(rows: [[1, 2, 3], [4, 5, 6]])
        #expect((matrix + Tensor([10, 20, 30])).scalars == [11, 22, 33, 14, 25, 36])
        #expect(try (matrix * Tensor(shape: [2, 1], scalars: [1, -1])).scalars == [1, 2, 3, -4, -5, -6])
        #expect(try (Tensor(shape: [2, 1], scalars: [1, 2]) - Tensor([1, 2, 3])).shape == [2, 3])
        #expect((matrix / Tensor(2)).scalars == [0.5, 1, 1.5, 2, 2.5, 3])
        #expect(throws: TensorError.shapeMismatch(operation: "add", lhs: [2, 3], rhs: [2])) { try withTensorErrors { matrix + Tensor([1, 2]) } }
    }

    @Test func matrixProductMatchesHandComputation() throws {
        let a = try Tensor(rows: [[1, 2], [3, 4], [5, 6]])
        let b = try Tensor(rows: [[1, 0, 2], [0, 1, 3]])
        #expect(matmul(a, b).scalars == [1, 2, 8, 3, 4, 18, 5, 6, 28])
        let batch = a.reshaped([1, 3, 2])
        #expect(matmul(batch, b).shape == [1, 3, 3])
        #expect(throws: TensorError.self) { try withTensorErrors { matmul(a, a) } }
    }

    @Test func matrixProductMatchesNaiveReferenceOnOddSizes() throws {
        for (m, k, n) in [(1, 1, 1), (7, 13, 5), (17, 33, 65), (64, 67, 3)] {
            let a = Tensor.randomNormal([m, k], seed: UInt64(m)), b = Tensor.randomNormal([k, n], seed: UInt64(n))
            let product = matmul(a, b)
            for i in 0..<m {
                for j in 0..<n {
                    var expected: Double = 0
                    for p in 0..<k { expected += Double(a[i, p]) * Double(b[p, j]) }
                    #expect(abs(Double(product[i, j]) - expected) <= 1e-5 * max(1, abs(expected)) * Double(k).squareRoot())
                }
            }
        }
    }

    @Test func reductionsAndIndexing() throws {
        let matrix = try Tensor(rows: [[1, 5, 3], [4, 2, 6]])
        #expect(matrix.sum().scalar == 21)
        #expect(matrix.mean().scalar == 3.5)
        #expect(matrix.sum(alongAxis: 0).scalars == [5, 7, 9])
        #expect(matrix.sum(alongAxis: 1, keepingDimension: true).shape == [2, 1])
        #expect(matrix.max(alongAxis: 1).scalars == [5, 6])
        #expect(matrix.max().scalar == 6)
        #expect(matrix.argmax(alongAxis: 1) == [1, 2])
        #expect(matrix.argmax(alongAxis: 0) == [1, 0, 1])
        #expect(matrix.argmax().scalar == 5)
        #expect(matrix.transposed().scalars == [1, 4, 5, 2, 3, 6])
        #expect(matrix.rows([1]).scalars == [4, 2, 6])
        #expect(matrix.reshaped([3, -1]).shape == [3, 2])
        #expect(throws: TensorError.self) { try withTensorErrors { matrix.reshaped([4, 2]) } }
        #expect(throws: TensorError.self) { try withTensorErrors { matrix.sum(alongAxis: 2) } }
        #expect(throws: TensorError.self) { try withTensorErrors { matrix.rows([2]) } }
    }

    /// The row argmax (a classifier's prediction, the accuracy's): the first of equal maxima, and
    /// a NaN never chosen after the first column, where nothing compares greater than it.
    @Test func rowArgmaxTakesTheFirstMaximumAndSkipsNaN() throws {
        let rows = try Tensor(rows: [
            [3, 7, 7, 1], [9, 9, 9, 9], [.nan, 1, 2, 3], [1, .nan, 5, 5], [-2, -1, -1, .nan], [.infinity, 1, .infinity, 0],
        ])
        #expect(rows.argmaxIndices(alongAxis: 1) == [1, 0, 0, 2, 1, 0])
        #expect(rows.max(alongAxis: 1).scalars.dropFirst(3) == [5, -1, .infinity])
        #expect(rows.max(alongAxis: 1).scalars[2].isNaN)
    }

    @Test func comparisonsAndWhere() throws {
        let values = Tensor([-1, 0, 2])
        #expect((values .> 0).scalars == [0, 0, 1])
        #expect((values .<= 0).scalars == [1, 1, 0])
        #expect(`where`(values .> 0, values, Tensor.full([3], 9)).scalars == [9, 9, 2])
        // The branch not taken may be NaN or infinite without leaking into the result.
        #expect(`where`(values .> 0, values.log(), Tensor(0)).scalars == [0, 0, Foundation.log(Float(2))])
    }

    @Test func noGradientRecordsNothing() throws {
        let tracked = try valueWithGradient(at: [Tensor([1, 2])]) { inputs in
            let inside = withoutGradient { inputs[0] * 2 }
            #expect(!inside.isTracked)
            #expect((inputs[0] * 2).isTracked)
            return inputs[0].sum()
        }
        #expect(tracked.gradients[0].scalars == [1, 1])
    }
}

@Suite("Buffer pool")
struct BufferPoolTests {
    @Test func freedBuffersAreReusedAndTheTotalIsCapped() {
        let pool = BufferPool()
        let first = pool.take(12_345)
        pool.give(first, count: 12_345)
        let second = pool.take(12_345)
        #expect(second == first)
        #expect(pool.statistics.systemAllocations == 1 && pool.statistics.reused == 1)
        second.deallocate()  // kept out of the pool, so the cap below is reached by large buffers alone
        // The pool keeps at most 2²⁶ floats: four buffers of 2²⁴. The fifth one given back is
        // released, so taking five again needs exactly one new allocation.
        let large = (0..<5).map { _ in pool.take(1 << 24) }
        for buffer in large { pool.give(buffer, count: 1 << 24) }
        let before = pool.statistics.systemAllocations
        let again = (0..<5).map { _ in pool.take(1 << 24) }
        #expect(pool.statistics.systemAllocations == before + 1)
        for buffer in again { pool.give(buffer, count: 1 << 24) }
    }

    @Test func smallSizesAreRecycledByExactSizeAndCappedPerSize() {
        // Sizes up to 4096 floats have their own free lists, indexed by size rather than hashed.
        let pool = BufferPool()
        let ten = pool.take(10), eleven = pool.take(11), large = pool.take(5_000)
        pool.give(ten, count: 10)
        pool.give(eleven, count: 11)
        pool.give(large, count: 5_000)
        #expect(pool.take(11) == eleven && pool.take(10) == ten && pool.take(5_000) == large)
        #expect(pool.statistics.systemAllocations == 3 && pool.statistics.reused == 3)
        // At most 16 free buffers per size: of 17 given back, one is released.
        let many = [ten] + (0..<16).map { _ in pool.take(10) }
        for buffer in many { pool.give(buffer, count: 10) }
        let before = pool.statistics.systemAllocations
        let again = (0..<17).map { _ in pool.take(10) }
        #expect(pool.statistics.systemAllocations == before + 1)
        for buffer in again + [eleven, large] { buffer.deallocate() }
    }
}
