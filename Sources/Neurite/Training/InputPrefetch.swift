/// A training step's input batch, gathered by the kernel pool's workers while the step before it
/// runs (``BackgroundWork``).
///
/// WHY: copying a batch's rows out of a dataset far larger than the caches is bound by memory:
/// at batch 64 of 784 floats, 12–13 µs of a ~160 µs training step on the 2-core VM (16 µs on
/// one thread), with both threads copying. ``EpochLoop`` starts the next step's copy once the
/// current step's loss is computed: the backward then begins with work on the calling thread
/// alone (the loss's gradient, the last layers'), and the worker copies meanwhile.
final class InputPrefetch {
    private let begin: () -> (rows: Tensor, work: BackgroundWork)
    private var started: (rows: Tensor, work: BackgroundWork)?

    /// `begin` starts the copy (``DatasetSamples/startGathering(_:)``).
    init(_ begin: @escaping () -> (rows: Tensor, work: BackgroundWork)) {
        self.begin = begin
    }

    /// Starts the copy, unless it has started.
    func start() {
        if started == nil { started = begin() }
    }

    /// The batch, once every row is copied (started now if it was not).
    func take() -> Tensor {
        start()
        let (rows, work) = started!
        started = nil
        work.finish()
        return rows
    }

    /// Waits for a copy that will not be taken (the loop stopped before its step).
    func cancel() {
        started?.work.finish()
        started = nil
    }
}
