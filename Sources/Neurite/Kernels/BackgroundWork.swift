import CNeuriteKernels

/// Work handed to the kernel pool's workers while the calling thread goes on with its own.
///
/// WHY: a training step's thread spends about a quarter of the step on work too small to split
/// (the output layer, the loss, the activation's backward), with the pool's worker idle. Work
/// that the step does not need yet, such as gathering the next batch, can fill that time: the
/// worker claims its parts as it becomes free, and the step's next split kernel, or ``finish()``,
/// runs whatever it has not claimed (`nk_parallel_start`).
///
/// Finish it on the thread that started it, before reading what it writes; until then every
/// split job of other threads runs on their own thread. Dropping it finishes it too, but only
/// when Swift releases it, which may be later than its last use: where the moment matters, call
/// ``finish()``.
final class BackgroundWork {
    private let body: (Range<Int>) -> Void
    private let count: Int
    private let parts: Int
    private var pending: Bool

    private init(count: Int, parts: Int, body: @escaping (Range<Int>) -> Void) {
        self.body = body
        self.count = count
        self.parts = parts
        pending = false
    }

    /// Starts `body` over `0..<count`, cut into `parts` contiguous ranges that the workers claim
    /// one at a time. With one thread, or the pool busy, it runs them all before returning.
    static func start(_ count: Int, parts: Int, _ body: @escaping (Range<Int>) -> Void) -> BackgroundWork {
        let work = BackgroundWork(count: count, parts: max(1, min(parts, count)), body: body)
        let context = Unmanaged.passUnretained(work).toOpaque()  // kept alive by the caller until finish()
        work.pending = nk_parallel_start(Int32(work.parts), { context, part in
            Unmanaged<BackgroundWork>.fromOpaque(context!).takeUnretainedValue().run(Int(part))
        }, context) != 0
        return work
    }

    private func run(_ part: Int) {
        body(count * part / parts..<count * (part + 1) / parts)
    }

    /// Returns once every part has run: runs those no worker has claimed, waits for the others.
    func finish() {
        guard pending else { return }
        nk_parallel_finish()
        pending = false
    }

    deinit { finish() }
}
