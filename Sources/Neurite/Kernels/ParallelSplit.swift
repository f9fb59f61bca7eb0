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
        withoutActuallyEscaping(body) { body in
            var job = SplitJob(run: body, count: count, parts: parts)
            withUnsafeMutablePointer(to: &job) { pointer in
                nk_parallel_for(Int32(parts), { context, part in
                    let job = context!.assumingMemoryBound(to: SplitJob.self).pointee
                    let part = Int(part)
                    job.run(job.count * part / job.parts..<job.count * (part + 1) / job.parts)
                }, pointer)
            }
        }
    }

    /// Below this many elements touched, a split costs more than it saves (thread wake-ups are
    /// some microseconds).
    static let minimumParallelWork = 1 << 16
}

/// What the worker threads need to run their part.
private struct SplitJob {
    let run: (Range<Int>) -> Void
    let count: Int
    let parts: Int
}
