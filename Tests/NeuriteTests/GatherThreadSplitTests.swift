import Testing
@testable import Neurite

/// A mini-batch gathered from a large dataset is copied (or converted from bytes) by several
/// threads, each writing its own positions. Every row must land at its position, a repeated row
/// in each place it is asked for, with ranges that do not divide the batch evenly.
@Suite("Batch gather split across threads", .serialized)
struct GatherThreadSplitTests {
    static let rowLength = 1000
    /// 23 positions: above the split threshold (see `Kernels.parallelGather`), uneven across 3 threads.
    static let indices = [39, 0, 7, 7, 12, 38, 1, 25, 30, 2, 19, 11, 33, 5, 8, 21, 14, 27, 3, 36, 9, 16, 22]

    static func withThreads<T>(_ threads: Int, _ body: () throws -> T) rethrows -> T {
        KernelInfo.threadCount = threads
        defer { KernelInfo.threadCount = 0 }
        return try body()
    }

    @Test func floatRowsLandAtTheirPositions() throws {
        #expect(Self.indices.count * Self.rowLength * Kernels.gatherCostPerElement >= Kernels.minimumParallelWork)
        let matrix = try Tensor(shape: [40, Self.rowLength], scalars: (0..<40 * Self.rowLength).map { Float($0) })
        let gathered = Self.withThreads(3) { matrix.rows(Self.indices) }
        #expect(gathered.shape == [Self.indices.count, Self.rowLength])
        let expected = Self.indices.flatMap { row in (0..<Self.rowLength).map { Float(row * Self.rowLength + $0) } }
        #expect(gathered.scalars == expected)
    }

    @Test func byteRowsConvertAtTheirPositions() throws {
        let bytes = (0..<40 * Self.rowLength).map { UInt8(truncatingIfNeeded: $0 * 7 + $0 / Self.rowLength) }
        let samples = ByteSamples(bytes: bytes, sampleShape: [Self.rowLength], scale: 0.5, shift: 3)
        let gathered = Self.withThreads(3) { samples.rows(Self.indices) }
        let expected = Self.indices.flatMap { row in
            bytes[(row * Self.rowLength)..<((row + 1) * Self.rowLength)].map { Float($0) * 0.5 - 3 }
        }
        #expect(gathered.shape == [Self.indices.count, Self.rowLength])
        #expect(gathered.scalars == expected)
    }
}
