import CNeuriteKernels

extension Kernels {
    /// Runs `body` over `0..<count` split into one contiguous range per thread of the kernel pool,
    /// when there is enough work (`work` elements) to pay for waking the threads, and on the
    /// calling thread otherwise.
    ///
    /// For the per-sample loops around convolutions (im2col, col2im, pooling): the GEMM between
    /// them already uses every core, and without this the other cores would idle while one
    /// rearranges memory. The ranges run on the GEMM's own worker threads (`nk_parallel_for`),
    /// not on a second pool: two pools on the same cores make each other's spinning workers
    /// steal the time the real work needs. Each range writes only its own samples, so no
    /// synchronisation is needed.
    static func parallelSplit(_ count: Int, work: Int, _ body: (Range<Int>) -> Void) {
        let parts = min(count, work >= minimumParallelWork ? Int(nk_thread_count()) : 1)
        guard parts > 1 else { return body(0..<count) }
        split(count, parts: parts) { range, _ in body(range) }
    }

    /// ``parallelSplit(_:work:_:)`` for a body that also checks its range (an optimizer's update
    /// that reports whether every weight it wrote is finite): true when every range's body was.
    static func parallelAll(_ count: Int, work: Int, _ body: (Range<Int>) -> Bool) -> Bool {
        let parts = min(count, work >= minimumParallelWork ? Int(nk_thread_count()) : 1)
        guard parts > 1 else { return body(0..<count) }
        return withUnsafeTemporaryAllocation(of: Bool.self, capacity: parts) { results in
            results.initialize(repeating: true)
            split(count, parts: parts) { range, part in results[part] = body(range) }  // each part writes its own slot
            return results.allSatisfy { $0 }
        }
    }

    /// Runs `body(range, part)` for each of `parts` contiguous ranges of `0..<count` on the pool.
    private static func split(_ count: Int, parts: Int, _ body: (Range<Int>, Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            var job = SplitJob(run: body, count: count, parts: parts)
            withUnsafeMutablePointer(to: &job) { pointer in
                nk_parallel_for(Int32(parts), { context, part in
                    let job = context!.assumingMemoryBound(to: SplitJob.self).pointee
                    let part = Int(part)
                    job.run(job.count * part / job.parts..<job.count * (part + 1) / job.parts, part)
                }, pointer)
            }
        }
    }

    static let minimumParallelWork = 1 << 16
}

/// What the worker threads need to run their part.
private struct SplitJob {
    let run: (Range<Int>, Int) -> Void
    let count: Int
    let parts: Int
}
