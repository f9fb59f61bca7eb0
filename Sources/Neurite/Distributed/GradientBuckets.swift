/// The gradients of one data-parallel step, averaged across ranks in buckets that start while
/// the backward pass is still running (as PyTorch's DistributedDataParallel does).
///
/// The trainable parameters are grouped, last first, into buckets of about `capacity` bytes,
/// each a contiguous run of one buffer kept for the whole run (a nonblocking allreduce needs its
/// memory to stay put). The backward pass finishes the last layers' gradients first; as soon as
/// every gradient of a bucket is final it is copied in, weighted by this rank's share of the
/// global batch, and the bucket's allreduce is started, so that it travels while the earlier
/// layers' gradients are computed. Buckets start strictly in order, on every rank the same:
/// MPI needs every rank to issue collectives in the same sequence, and the order in which
/// gradients complete could differ between ranks (a rank with an empty shard has none).
///
/// The step's loss and stop flag ride in the last bucket, so a step costs no extra collective.
final class GradientBuckets {
    private struct Bucket {
        /// Indices into `parameters`.
        let members: [Int]
        let range: Range<Int>
    }

    private let parameters: [(name: String, parameter: ParameterReference)]
    private let communicator: Communicator
    private let buckets: [Bucket]
    /// Where each parameter's gradient lives in `storage`, and its bucket.
    private let offsets: [Int], bucketOf: [Int]
    /// All gradients, then the loss and the stop flag.
    private let storage: UnsafeMutableBufferPointer<Float>
    private var missing: [Int] = [], written: [Bool] = []
    private var started: [Communicator.PendingOperation] = []
    private var share: Float = 1
    private var failure: (any Error)?

    /// Buckets for `parameters` (the trainable ones, in model order) of at most about
    /// `capacity` bytes each; a parameter larger than that is a bucket alone.
    init(parameters: [(name: String, parameter: ParameterReference)], capacity: Int, over communicator: Communicator) {
        self.parameters = parameters
        self.communicator = communicator
        var buckets: [Bucket] = [], offsets = [Int](repeating: 0, count: parameters.count)
        var bucketOf = offsets, members: [Int] = [], start = 0, end = 0
        for index in parameters.indices.reversed() {
            let count = parameters[index].parameter.value.count
            if !members.isEmpty && (end - start + count) * MemoryLayout<Float>.size > capacity {
                buckets.append(Bucket(members: members, range: start..<end))
                (members, start) = ([], end)
            }
            offsets[index] = end
            bucketOf[index] = buckets.count
            members.append(index)
            end += count
        }
        buckets.append(Bucket(members: members, range: start..<(end + 2)))
        self.buckets = buckets
        self.offsets = offsets
        self.bucketOf = bucketOf
        storage = .allocate(capacity: end + 2)
    }

    deinit { storage.deallocate() }

    /// The number of buckets a step starts.
    var count: Int { buckets.count }

    /// Begins a step in which this rank trains on `localCount` of the global batch's
    /// `globalCount` samples, and says whether this rank was asked to stop.
    func beginStep(localCount: Int, globalCount: Int, stopRequested: Bool) {
        share = Float(localCount) / Float(globalCount)
        missing = buckets.map(\.members.count)
        written = [Bool](repeating: false, count: parameters.count)
        started = []
        failure = nil
        storage[storage.count - 2] = 0
        storage[storage.count - 1] = stopRequested ? 1 : 0
    }

    /// Records this rank's mean loss for the step; call before the backward pass, so that the
    /// last bucket can start as soon as its gradients are done.
    func setLoss(_ loss: Float) { storage[storage.count - 2] = loss * share }

    /// Takes the final gradient of the `index`-th parameter, and starts every bucket now
    /// complete. Called from inside the backward pass, it cannot throw: an MPI failure is kept
    /// for ``finishStep()`` to throw.
    func gradientCompleted(_ index: Int, _ gradient: Tensor) {
        guard !written[index], failure == nil else { return }
        written[index] = true
        gradient.withUnsafeBuffer { source in
            Kernels.scaledCopy(source, by: share, into: storage.baseAddress! + offsets[index])
        }
        missing[bucketOf[index]] -= 1
        do { try startCompleteBuckets() } catch { failure = error }
    }

    /// Ends the step: parameters that got no gradient count as zero, the remaining buckets start,
    /// and all are awaited. Returns the global batch's gradients, mean loss, and whether any rank
    /// was asked to stop.
    /// - Throws: ``CommunicatorError`` when MPI fails.
    func finishStep() throws -> (gradients: Gradients, loss: Float, stopRequested: Bool) {
        if let failure { throw failure }
        for index in parameters.indices where !written[index] {
            let count = parameters[index].parameter.value.count
            (storage.baseAddress! + offsets[index]).update(repeating: 0, count: count)
            written[index] = true
            missing[bucketOf[index]] -= 1
        }
        try startCompleteBuckets()
        for operation in started { try communicator.wait(for: operation) }
        let entries = parameters.enumerated().map { index, entry in
            let shape = entry.parameter.value.shape
            var gradient = Tensor(uninitializedShape: shape)
            gradient.withUnsafeMutableBuffer { destination in
                Kernels.scaledCopy(UnsafeBufferPointer(rebasing: storage[offsets[index]..<(offsets[index] + destination.count)]), by: 1,
                                   into: destination.baseAddress!)
            }
            return Gradients.Entry(name: entry.name, parameter: entry.parameter, gradient: gradient)
        }
        return (Gradients(entries), storage[storage.count - 2], storage[storage.count - 1] > 0)
    }

    private func startCompleteBuckets() throws {
        // Each gradient done is a moment to move the started allreduces forward (see ``Communicator/progress(_:)``).
        for operation in started { try communicator.progress(operation) }
        while started.count < buckets.count && missing[started.count] == 0 {
            let range = buckets[started.count].range
            started.append(try communicator.startAllReduceSum(storage.baseAddress! + range.lowerBound, count: range.count))
        }
    }
}
