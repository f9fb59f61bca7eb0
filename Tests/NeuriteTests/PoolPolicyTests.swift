import CNeuriteKernels
import Testing

/// The thread pool's rule for splitting jobs or running them on the calling thread alone
/// (pool_policy.c), driven with made-up job times on an instance of its own: a window of split
/// jobs must save 15% over one thread, judged after a warm-up that waits for a worker to help.
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

    @Test func aWorkerThatNeverRunsSendsJobsAloneAfterTheWarmUpsCap() {
        // No worker ever claims a task (the process has one core): after 1 ms of warm-up the
        // next 32 jobs are judged, fail, and jobs run alone for 4 ms.
        let driver = Driver()
        driver.jobs(400, alone: 2.5, wall: 2.5, helped: false)
        driver.jobs(32, alone: 2.5, wall: 2.5, helped: false)
        #expect(!driver.runsAlone())
        driver.jobs(1, alone: 2.5, wall: 2.5, helped: false)
        #expect(driver.runsAlone(after: 1))
        #expect(driver.runsAlone(after: 3_500))
        #expect(!driver.runsAlone(after: 4_500))
    }

    @Test func theStretchAloneDoublesWhileSplittingFailsAndResetsWhenItPays() {
        let driver = Driver()
        // The worker runs but gains nothing: alone for 4 ms, then, failing again, 8 ms.
        driver.jobs(34, alone: 10, wall: 10, helped: true)
        #expect(driver.runsAlone(after: 3_900) && !driver.runsAlone(after: 4_100))
        driver.now += 4_100
        driver.jobs(34, alone: 10, wall: 10, helped: true)
        #expect(driver.runsAlone(after: 7_900) && !driver.runsAlone(after: 8_100))
        driver.now += 8_100
        // A window that pays ends the streak: the next failure costs 4 ms again.
        driver.jobs(34, alone: 20, wall: 10, helped: true)
        #expect(!driver.runsAlone())
        driver.jobs(34, alone: 10, wall: 10, helped: true)
        #expect(driver.runsAlone(after: 3_900) && !driver.runsAlone(after: 4_100))
    }

    @Test func aWindowOfLongJobsClosesAfterFourOnceItHasLastedTwoMilliseconds() {
        // 1 ms jobs: two of warm-up, then the fourth measured one closes the window (2 ms passed).
        let driver = Driver()
        driver.jobs(5, alone: 1_000, wall: 1_000, helped: true)
        #expect(!driver.runsAlone())
        driver.jobs(1, alone: 1_000, wall: 1_000, helped: true)
        #expect(driver.runsAlone())
    }
}
