extension Kernels {
    /// Runs `body` over the positions `0..<count` of a mini-batch being gathered, `rowLength`
    /// elements per position, split across the kernel pool when the copy is large enough.
    ///
    /// WHY weighted: ``parallelSplit(_:work:_:)``'s threshold counts element-wise operations on
    /// data in cache. A gathered row comes from a dataset far larger than the caches, so every
    /// cache line of it is a miss: copying the 64 rows of an MNIST batch (50k floats) took about
    /// 9% of a 784-128-10 training step on one thread while the pool's second thread waited.
    /// Counted as `gatherCostPerElement` element-wise operations per element, batches of 21+
    /// MNIST rows are split; split in two, the 784-128-10 step ran 3–5% faster at batch 64 and
    /// 7% at batch 256 (medians over alternated passes, 2 threads).
    static func parallelGather(_ count: Int, rowLength: Int, _ body: (Range<Int>) -> Void) {
        let (work, overflow) = count.multipliedReportingOverflow(by: rowLength * gatherCostPerElement)
        parallelSplit(count, work: overflow ? Int.max : work, body)
    }

    static let gatherCostPerElement = 4

    /// Copies rows `indices[position]` of `source` to rows `position` of `destination`, for each
    /// position in `positions`; rows are `rowLength` elements.
    static func copyRows(
        _ source: UnsafePointer<Float>, rowLength: Int, indices: [Int], positions: Range<Int>, into destination: UnsafeMutablePointer<Float>
    ) {
        for position in positions {
            (destination + position * rowLength).update(from: source + indices[position] * rowLength, count: rowLength)
        }
    }
}
