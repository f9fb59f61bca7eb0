import CNeuriteKernels
import Foundation
import Testing

/// The thread pool's rule for splitting jobs or running them on the calling thread alone
/// (pool_policy.c), driven with made-up job times on an instance of its own: a window of split
/// jobs must save 15% over one thread, judged after a warm-up that waits for a worker to help,
/// and two windows in a row must fail before jobs run alone.
@Suite("Thread pool policy")
struct PoolPolicyTests {
    private static let ticksPerMicrosecond = Double(nk_pool_policy_ticks_per_microsecond())

    /// A policy and a clock in µs; `jobs` split jobs one after the other.
    private final class Driver {
        let policy = nk_pool_policy_create()!
        var now = 0.0
        deinit { nk_pool_policy_destroy(policy) }

        /// `count` jobs of `wall` µs each, which one thread would have done in `alone` µs.
        func jobs(_ count: Int, alone: Double, wall: Double, helped: Bool) {
            for _ in 0..<count {
                now += wall
                nk_pool_policy_note(policy, alone * ticksPerMicrosecond, wall * ticksPerMicrosecond, helped ? 1 : 0,
                                    Int64(now * ticksPerMicrosecond))
            }
        }

        func runsAlone(after microseconds: Double = 0) -> Bool {
            nk_pool_policy_says_alone(policy, Int64((now + microseconds) * ticksPerMicrosecond)) != 0
        }
    }

    @Test func aWorkerWakingLateIsNotJudgedOnItsWakeUp() {
        // Batch-1 products of 2.5 µs: for 100 µs the worker sleeps (the caller runs both tasks:
        // no gain), then its first two tasks read its data from the other core (slow), then
        // splitting pays 1.7×. The window is judged on the last jobs only: the pool keeps splitting.
        let driver = Driver()
        driver.jobs(40, alone: 2.5, wall: 2.5, helped: false)
        driver.jobs(2, alone: 5, wall: 40, helped: true)
        driver.jobs(32, alone: 5, wall: 2.94, helped: true)
        #expect(!driver.runsAlone())
    }

    @Test func aWorkerThatNeverRunsSendsJobsAloneAfterTwoWindows() {
        // No worker ever claims a task (the process has one core). Each window: 1 ms of warm-up
        // (the cap, 400 jobs), then 32 jobs (80 µs) judged. The first failing window is not
        // enough; after the second, jobs run alone for eight windows, 640 µs.
        let driver = Driver()
        driver.jobs(433, alone: 2.5, wall: 2.5, helped: false)
        #expect(!driver.runsAlone())
        driver.jobs(432, alone: 2.5, wall: 2.5, helped: false)
        #expect(!driver.runsAlone())
        driver.jobs(1, alone: 2.5, wall: 2.5, helped: false)
        #expect(driver.runsAlone(after: 1))
        #expect(driver.runsAlone(after: 600))
        #expect(!driver.runsAlone(after: 680))
    }

    @Test func oneStalledJobDoesNotSendShortJobsAlone() {
        // Batch-1 products that split pays for (2.5 µs alone, 1.5 µs split), but one of a
        // window's 32 waits 60 µs for a worker the host paused, and fails the window. The next
        // window pays, so the pool keeps splitting, and a later stalled window starts the count
        // again.
        let driver = Driver()
        func window(stalled: Bool) {  // two jobs of warm-up, then 32 judged
            driver.jobs(stalled ? 33 : 34, alone: 2.5, wall: 1.5, helped: true)
            if stalled { driver.jobs(1, alone: 2.5, wall: 60, helped: true) }
        }
        window(stalled: true)
        window(stalled: false)
        window(stalled: true)
        #expect(!driver.runsAlone())
        // A second stalled window in a row: alone for eight windows (8 × 106.5 µs).
        window(stalled: true)
        #expect(driver.runsAlone(after: 800))
        #expect(!driver.runsAlone(after: 900))
    }

    @Test func theStretchAloneDoublesWhileSplittingFailsAndResetsWhenItPays() {
        let driver = Driver()
        // 100 µs jobs: a window is two of warm-up and 20 measured (2 ms). The worker runs but
        // gains nothing: after two windows, alone for 4 ms (eight windows would be 16; the first
        // stretch is at most 4), then, failing again, 8 ms.
        driver.jobs(44, alone: 100, wall: 100, helped: true)
        #expect(driver.runsAlone(after: 3_900) && !driver.runsAlone(after: 4_100))
        driver.now += 4_100
        driver.jobs(22, alone: 100, wall: 100, helped: true)
        #expect(driver.runsAlone(after: 7_900) && !driver.runsAlone(after: 8_100))
        driver.now += 8_100
        // A window that pays ends the streak: it takes two failures again, then 4 ms.
        driver.jobs(22, alone: 200, wall: 100, helped: true)
        #expect(!driver.runsAlone())
        driver.jobs(22, alone: 100, wall: 100, helped: true)
        #expect(!driver.runsAlone())
        driver.jobs(22, alone: 100, wall: 100, helped: true)
        #expect(driver.runsAlone(after: 3_900) && !driver.runsAlone(after: 4_100))
    }

    #if os(Linux)
    /// OneCPUPoolChild confines itself to one CPU before the pool starts its worker, then runs
    /// ten split jobs of eight tasks of a few milliseconds: its worker can only run on the
    /// caller's CPU, taking turns with it, and the pool must see that (a job it helps with is
    /// reported to the policy as having gained nothing).
    @Test func aWorkerTakingTurnsOnTheCallersCPUIsSeen() throws {
        let child = try #require(childExecutable(named: "OneCPUPoolChild"), "OneCPUPoolChild was not built next to the test bundle")
        let process = Process()
        process.executableURL = child
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let counts = printed.split(whereSeparator: \.isWhitespace)  // "TOOK_TURNS of JOBS"
        #expect(counts.count == 3 && counts[2] == "10", "printed \(printed)")
        #expect((counts.first.flatMap { Int($0) } ?? 0) > 0, "printed \(printed)")
    }
    #endif

    @Test func aWindowOfLongJobsClosesAfterFourOnceItHasLastedTwoMilliseconds() {
        // 1 ms jobs: two of warm-up, then the fourth measured one closes the window (2 ms passed).
        // The first window fails without effect; the second's close shows as the stretch alone.
        let driver = Driver()
        driver.jobs(6, alone: 1_000, wall: 1_000, helped: true)
        driver.jobs(5, alone: 1_000, wall: 1_000, helped: true)
        #expect(!driver.runsAlone())
        driver.jobs(1, alone: 1_000, wall: 1_000, helped: true)
        #expect(driver.runsAlone())
    }
}
