import CNeuriteKernels
import Dispatch

extension Kernels {
    /// Runs `body` over `0..<count` split into one contiguous range per CPU, when there is enough
    /// work (`work` elements) to pay for waking the threads, and on the calling thread otherwise.
    ///
    /// For the per-sample loops around convolutions (im2col, col2im, pooling): the GEMM between
    /// them already uses every core, and without this the other cores would idle while one
    /// rearranges memory. Each range writes only its own samples, so no synchronisation is needed.
    static func parallelSplit(_ count: Int, work: Int, _ body: (Range<Int>) -> Void) {
        let parts = min(count, work >= minimumParallelWork ? processorCount : 1)
        guard parts > 1 else { return body(0..<count) }
        withoutActuallyEscaping(body) { body in
            let shared = SharedBody(run: body)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                shared.run(count * part / parts..<count * (part + 1) / parts)
            }
        }
    }

    /// Below this many elements touched, a split costs more than it saves (thread wake-ups are
    /// some microseconds).
    static let minimumParallelWork = 1 << 16

    static let processorCount = max(1, Int(CNeuriteKernels.nk_thread_count()))
}

/// The loop body handed to the worker threads. Unchecked: the callers' ranges write disjoint
/// memory, which the compiler cannot see through raw pointers.
private struct SharedBody: @unchecked Sendable {
    let run: (Range<Int>) -> Void
}
