extension Kernels {
    /// For a matrix `[rows, columns]` whose every row is one-hot (a single 1, zeros elsewhere),
    /// the column of each row's 1; `nil` as soon as a row is not.
    ///
    /// A product of one-hot rows by a matrix selects that matrix's rows: the recurrent layers
    /// use this to turn a character model's input projection, a GEMM over mostly zeros, into a
    /// lookup (and its weight gradient into row sums).
    static func oneHotColumns(_ matrix: UnsafePointer<Float>, rows: Int, columns: Int) -> [Int32]? {
        var result = [Int32](repeating: 0, count: rows)
        for row in 0..<rows {
            let values = matrix + row * columns
            var found = -1
            for column in 0..<columns where values[column] != 0 {
                guard values[column] == 1, found < 0 else { return nil }
                found = column
            }
            guard found >= 0 else { return nil }
            result[row] = Int32(found)
        }
        return result
    }
}
