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
    /// thread: the background part below waits for a signal sent only once the product has
    /// returned, so a product that waited for it (or ran it) would see it time out.
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
        var concluded = 0
        for _ in 0..<5 {
            let signal = DispatchSemaphore(value: 0), lock = NSLock()
            var finished = false, timedOut = false
            let work = BackgroundWork.start(1, parts: 1) { _ in
                let result = signal.wait(timeout: .now() + 2)
                lock.withLock { (finished, timedOut) = (true, result == .timedOut) }
            }
            // Already run: the pool ran the part before returning (busy, or its policy ran
            // jobs alone), and it timed out there; nothing to judge this round.
            let ranAtStart = lock.withLock { finished }
            let during = product()
            signal.signal()
            work.finish()
            guard !ranAtStart else { continue }
            concluded += 1
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
