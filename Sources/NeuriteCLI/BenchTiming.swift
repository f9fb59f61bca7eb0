/// The timing rule every row of `neurite bench` uses, and the NumPy script copies.
///
/// Calls are timed in batches of about 10 ms, so that clock reads cost nothing even for a
/// microsecond GEMM, and batches repeat until `minimumSeconds` have passed (three at least).
/// The best batch is reported: on a machine shared with other work, the fastest batch is the one
/// least disturbed, and the minimum is what is reproducible from run to run.
func bestSecondsPerCall(minimumSeconds: Double, _ body: () throws -> Void) rethrows -> Double {
    try body()  // warm-up: caches, page faults, the buffer pool and the thread pool
    let calibration = ContinuousClock.now
    try body()
    let oneCall = max((ContinuousClock.now - calibration).seconds, 1e-9)
    let callsPerBatch = max(1, Int(0.01 / oneCall))

    var best = Double.infinity, total = 0.0, batches = 0
    while total < minimumSeconds || batches < 3 {
        let started = ContinuousClock.now
        for _ in 0..<callsPerBatch { try body() }
        let elapsed = (ContinuousClock.now - started).seconds
        best = min(best, elapsed / Double(callsPerBatch))
        total += elapsed
        batches += 1
    }
    return best
}
