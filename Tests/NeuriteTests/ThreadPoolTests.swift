import Testing
@testable import Neurite

/// The kernel pool hands out the same tasks whoever runs them: every index of a split runs exactly
/// once, nothing of a finished job runs later, and training gives the same numbers on any number
/// of threads (the pool may also decide to run a split on the calling thread alone; the tasks
/// stay the same, so the numbers do too).
@Suite("Thread pool", .serialized)
struct ThreadPoolTests {
    @Test func everyIndexOfASplitRunsExactlyOnceJobAfterJob() {
        let slots = 16
        let counts = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * slots)
        defer { counts.deallocate() }
        for threads in [2, 3] {
            KernelInfo.threadCount = threads
            defer { KernelInfo.threadCount = 0 }
            var previous: (offset: Int, count: Int)? = nil
            var failures: [String] = []
            for job in 0..<1500 where failures.isEmpty {
                // Alternate halves of the buffer, so that a straggler of the previous job would show there.
                let offset = (job % 2) * slots, count = 1 + job % 13
                counts.advanced(by: offset).update(repeating: 0, count: slots)
                Kernels.parallelSplit(count, work: Int.max) { range in
                    for index in range { counts[offset + index] += 1 }
                }
                for index in 0..<slots where counts[offset + index] != (index < count ? 1 : 0) {
                    failures.append("job \(job) (\(count) indices, \(threads) threads): index \(index) ran \(counts[offset + index]) times")
                }
                if let (offset, count) = previous {
                    for index in 0..<slots where counts[offset + index] != (index < count ? 1 : 0) {
                        failures.append("job \(job - 1): index \(index) ran again after the job returned")
                    }
                }
                previous = (offset, count)
            }
            #expect(failures.isEmpty, "\(failures.prefix(3))")
        }
    }

    @Test func trainingGivesIdenticalWeightsOnAnyNumberOfThreads() throws {
        // 32×256×64 products are large enough to be split across threads.
        func trainedWeights(threads: Int) throws -> [[Float]] {
            KernelInfo.threadCount = threads
            defer { KernelInfo.threadCount = 0 }
            var model = Sequential {
                Dense(256, 64, activation: .relu, seed: 1)
                Dense(64, 10, seed: 2)
            }
            var optimizer = SGD(learningRate: 0.05, momentum: 0.9)
            let inputs = Tensor.randomNormal([32, 256], seed: 3)
            let labels = (0..<32).map { $0 % 10 }
            for _ in 0..<3 {
                let (_, gradients) = try valueWithGradient(of: model) { model in
                    try crossEntropy(logits: model(inputs), labels: labels)
                }
                optimizer.update(&model, along: gradients)
            }
            return model.parameters.map(\.value.scalars)
        }
        let single = try trainedWeights(threads: 1)
        #expect(single.allSatisfy { $0.allSatisfy(\.isFinite) })
        for threads in [2, 3] {
            #expect(try trainedWeights(threads: threads) == single, "\(threads) threads")
        }
    }
}
