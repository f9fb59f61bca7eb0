import Testing
@testable import Neurite

/// Work started on the pool's workers while the calling thread goes on (``BackgroundWork``): every
/// part runs exactly once, whether a worker claims it, `finish()` runs it, or a split kernel or
/// another start on the same thread finishes it first; and a training step's batch gathered that way
/// (``InputPrefetch``) holds what the synchronous gather gives.
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
