extension Tensor {
    /// Columns `range` of a matrix `[rows, columns]`, copied into `[rows, range.count]`; the
    /// gradient is scattered back into those columns (zeros elsewhere).
    ///
    /// How one operation with a packed result hands out its parts: a recurrent layer's outputs
    /// and final state are columns of the same matrix.
    func columns(_ range: Range<Int>) -> Tensor {
        precondition(rank == 2 && range.lowerBound >= 0 && range.upperBound <= shape[1], "columns \(range) of \(shape)")
        let rows = shape[0], width = shape[1], part = range.count
        let result = Tensor(uninitializedShape: [rows, part])
        for row in 0..<rows {
            (result.storage.base + row * part).update(from: storage.base + row * width + range.lowerBound, count: part)
        }
        return result.recorded(from: [self]) { gradient, _ in
            // Each element written once: a recurrent layer's outputs are most of its packed result,
            // so zeroing all of it first would write it twice.
            let scattered = Tensor(uninitializedShape: [rows, width])
            for row in 0..<rows {
                let destination = scattered.storage.base + row * width
                destination.update(repeating: 0, count: range.lowerBound)
                (destination + range.lowerBound).update(from: gradient.storage.base + row * part, count: part)
                (destination + range.upperBound).update(repeating: 0, count: width - range.upperBound)
            }
            return [scattered]
        }
    }
}
