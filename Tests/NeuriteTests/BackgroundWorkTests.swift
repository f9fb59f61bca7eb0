import Dispatch
import Foundation
import Testing
@testable import Neurite

/// Work started on the pool's workers while the calling thread goes on (``BackgroundWork``): every
/// part runs exactly once, whether a worker claims it, `finish()` runs it, or a split kernel or
/// another start on the same thread finishes it first; a product too small to pay for the wait runs
/// beside it instead, with the bits it has without it; and a training step's batch gathered that
/// way (``InputPrefetch``) holds what the synchronous gather gives.
@Suite("Background work", .serialized)
struct BackgroundWorkTests {
    @Test func everyPartRunsOnceHoweverTheWorkIsFinished() {
        let slots = 40
        let counts = UnsafeMutablePointer<Int32>.allocate(capacity: slots)
        defer { counts.deallocate() }
        var failures: [String] = []
        for threads in [1, 2, 3] {
            KernelInfo.threadCount = threads
            defer { KernelInfo.threadCount = 0 }
            for round in 0..<600 where failures.isEmpty {
                let count = 1 + round % slots, parts = 1 + round % 9
                counts.update(repeating: 0, count: slots)
                func started() -> BackgroundWork {
                    BackgroundWork.start(count, parts: parts) { range in
                        for index in range { counts[index] += 1 }
                    }
                }
                switch round % 3 {
                case 0: started().finish()
                case 1:  // a split job on this thread finishes the background work before its own
                    let work = started()
                    let marks = UnsafeMutablePointer<Int32>.allocate(capacity: 64)
                    defer { marks.deallocate() }
                    marks.update(repeating: 0, count: 64)
                    Kernels.parallelSplit(64, work: Int.max) { range in for index in range { marks[index] += 1 } }
                    if (0..<64).contains(where: { marks[$0] != 1 }) { failures.append("round \(round): the split job ran wrong") }
                    for index in 0..<count where counts[index] != 1 { failures.append("round \(round): index \(index) not run before the split") }
                    work.finish()
                default:  // a second start on this thread finishes the first before it begins
                    let first = started()
                    let second = BackgroundWork.start(1, parts: 1) { _ in }
                    for index in 0..<count where counts[index] != 1 { failures.append("round \(round): index \(index) not run before the second start") }
                    second.finish()
                    first.finish()
                }
                for index in 0..<slots where counts[index] != (index < count ? 1 : 0) {
                    failures.append("\(threads) threads, round \(round) (\(count) in \(parts) parts): index \(index) ran \(counts[index]) times")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(3))")
    }

    /// The batch-256 output layer's input gradient (256×10 · (128×10)ᵀ, 327,680 multiply-adds)
    /// splits in two, but while a background job of this thread runs it keeps to the calling
    /// thread: the background part below, on a worker, waits for a signal sent only once the
    /// product has returned, so a product that waited for it would see it time out; a product
    /// that ran it itself is seen running it on this thread.
    ///
    /// Rounds where the pool ran the part at start (busy with other tests' work, or its policy
    /// running jobs alone on a loaded machine) show nothing; they cost nothing either, so rounds
    /// go on for up to 5 s until three are judged (with five rounds of 2 s each, a loaded `swift
    /// test` once judged none).
    @Test func aSmallProductLeavesTheBackgroundWorkRunning() {
        KernelInfo.threadCount = 2
        defer { KernelInfo.threadCount = 0 }
        let a = Tensor.randomNormal([256, 10], seed: 1), b = Tensor.randomNormal([128, 10], seed: 2)
        func product() -> [Float] {
            let c = Tensor(uninitializedShape: [256, 128])
            Kernels.matrixMultiply(a.storage.base, transposed: false, b.storage.base, transposed: true,
                                   into: c.storage.base, rows: 256, columns: 128, inner: 10)
            return c.scalars
        }
        let expected = product()
        let caller = pthread_self(), deadline = Date().addingTimeInterval(5)
        var concluded = 0
        while concluded < 3 && Date() < deadline {
            let signal = DispatchSemaphore(value: 0), lock = NSLock()
            // Where this thread is: starting the work, in the product, or past it (finish() may run
            // a part no worker claimed yet, which is allowed).
            enum Phase { case starting, product, after }
            var phase = Phase.starting, ranIn: Phase?, timedOut = false
            let work = BackgroundWork.start(1, parts: 1) { _ in
                // On this thread, waiting would only time out: note when it ran instead.
                let here = pthread_equal(pthread_self(), caller) != 0
                let result = here ? .success : signal.wait(timeout: .now() + 2)
                lock.withLock { (ranIn, timedOut) = (here ? phase : nil, result == .timedOut) }
            }
            let ranAtStart = lock.withLock { () -> Bool in phase = .product; return ranIn == .starting }
            let during = product()
            lock.withLock { phase = .after }
            signal.signal()
            work.finish()
            guard !ranAtStart else { usleep(1000); continue }
            concluded += 1
            #expect(lock.withLock { ranIn != .product }, "the product ran the background work")
            #expect(lock.withLock { !timedOut }, "the product waited for the background work")
            #expect(during == expected)
        }
        #expect(concluded > 0, "every round's background work ran when it started")
    }

    @Test func aPrefetchedBatchHoldsTheRowsOfTheSynchronousGather() throws {
        let floats = Tensor.randomNormal([50, 13], seed: 4)
        let bytes = ByteSamples(bytes: (0..<(50 * 13)).map { UInt8(($0 * 37) % 256) }, sampleShape: [13], scale: 0.25, shift: 3)
        let indices = [7, 0, 49, 3, 3, 21, 8, 30, 11, 45, 2, 19, 33, 40, 5, 16, 27, 9, 1]
        for threads in [1, 2] {
            KernelInfo.threadCount = threads
            defer { KernelInfo.threadCount = 0 }
            for samples in [DatasetSamples.floats(floats), .bytes(bytes)] {
                let prefetch = InputPrefetch { samples.startGathering(indices) }
                prefetch.start()
                let gathered = prefetch.take()
                #expect(gathered.shape == [indices.count, 13])
                #expect(gathered.scalars == samples.rows(indices).scalars, "\(threads) threads")
                #expect(InputPrefetch { samples.startGathering(indices) }.take().scalars == gathered.scalars)  // never started
            }
        }
    }
}
