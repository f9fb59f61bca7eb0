/*
 * When the thread pool splits a job, and when it runs it on the calling thread.
 *
 * WHY measured: splitting pays only when the workers actually run beside the
 * caller. When the process gets fewer cores than threads (other processes
 * busy, a CPU quota, a hypervisor taking a vCPU), a split job waits for a
 * worker that is not running, and a spinning worker takes time from the
 * thread doing the work (issue 11: rows at half speed, below one thread's
 * speed). So every split job reports the caller's time per task × the number
 * of tasks (what one thread would have needed) and its wall time. Over a
 * window of jobs, if splitting did not save NK_MIN_GAIN, jobs run on the
 * calling thread alone (the workers stop spinning and sleep) for a stretch of
 * time that doubles while splitting keeps failing, before the pool is tried
 * again. Two windows in a row must fail first; then a failing window costs at
 * most its own jobs per stretch, and the first stretch lasts NK_ALONE_WINDOWS
 * windows, so the pool degrades to about its one-thread speed. The tasks are
 * the same either way, so results do not depend on the choice.
 *
 * WHY the stretch is time, not a number of jobs: the verdict of one kind of
 * job must not outlive it. Batch-1 inference (two-microsecond jobs whose split
 * may not pay) counted in jobs put the next 65536 jobs on one thread, and when
 * those were batch-1000 products (1.5 ms each, which split well) the pool ran
 * them alone for over a minute: the batch-1000 inference row ran at one
 * thread's speed (issue 11). In time, the stretch ends after at most
 * NK_ALONE_MAX_US whatever ran meanwhile, and a window closes after a few
 * long jobs, so a wrong verdict costs a bounded fraction of a second.
 *
 * WHY two failing windows in a row, and a first stretch of eight windows:
 * at batch-1 inference (784-128-10, 2-core VM) a window of 32 split products
 * lasts about 80 µs, and splitting gained 1.3× in one process (window gains:
 * median 1.28, 5th percentile 1.09). One product that waits tens of µs for a
 * worker the host has paused fails a window, and 8% of them failed. Judged
 * per window, that row ran 1.16× slower (medians of 12 processes) than with
 * the policy turned off, even with eight windows alone per failure instead of
 * a fixed 4 ms; with two windows in a row as well, as fast (1.07×). Either
 * change alone gained nothing measurable (1.03×, 0.97×). Windows of long jobs
 * (2 ms) keep a first stretch of 4 ms.
 *
 * A core that is really gone fails every window, and costs one more window
 * before the first stretch alone. But two threads taking turns on one CPU
 * could pass a window now and then (the caller's task, stretched by the
 * worker's turns, reads as one thread's time), and each pass restarted the
 * count: with the process confined to one CPU (taskset), the batch-64 row ran
 * 0.84× as fast as under the single-window rule (medians of 10 processes). So
 * the pool also reports a job whose worker ran on the caller's CPU as having
 * gained nothing (thread_pool.c, nk_current_cpu); confined so, the batch-64
 * and batch-1 rows then ran 1.13× and 1.11× as fast as under the old rule,
 * every process within 3% of the best.
 *
 * All state is guarded by the pool's run_lock: only its owner calls in here.
 */
#include "gemm_internal.h"
#include "pool_clock.h"
#include <stdlib.h>

/* Split jobs per verdict, after a warm-up, and the gain (one-thread time /
 * wall time) a window must show to keep splitting. A window of long jobs
 * closes early, after NK_WINDOW_MIN_JOBS jobs once it has lasted
 * NK_WINDOW_US.
 *
 * WHY the warm-up waits for the workers: after a stretch alone the workers
 * sleep, and on this 2-core VM one took longer to wake than a window of 32
 * batch-1 products (~2.5 µs each) lasts; its first tasks then read its half
 * of the weights from the other core (one job at 7–19 times the one-thread
 * time). A warm-up of two jobs judged those, every window failed, and the
 * stretches alone doubled: batch-1 products ran alone although split they
 * took 2.5 µs against 3.5 (784×128 weights, C harness, policy bypassed).
 * So the warm-up lasts until a worker has helped with NK_WINDOW_WARMUP jobs,
 * or NK_WARMUP_MAX_US has passed (a worker that cannot run, the case the
 * policy is for, is then judged as usual). */
#define NK_WINDOW_JOBS 32
#define NK_WINDOW_MIN_JOBS 4
#define NK_WINDOW_US 2000
#define NK_WINDOW_WARMUP 2
#define NK_WARMUP_MAX_US 1000
#define NK_MIN_GAIN 1.15
/* Failing windows in a row before jobs run alone. */
#define NK_FAILED_WINDOWS 2
/* Time run alone after a failed window: NK_ALONE_WINDOWS times the window's
 * wall time, at most NK_ALONE_FIRST_MAX_US, then doubled per failure in a
 * row, up to the max. */
#define NK_ALONE_WINDOWS 8
#define NK_ALONE_FIRST_MAX_US 4000
#define NK_ALONE_MAX_US 256000

struct nk_pool_policy {
    double window_alone, window_wall;
    int window_open, window_jobs, warm_jobs;
    long long window_start;
    long long alone_until;
    long long alone_stretch;    /* the last stretch alone; 0 after a window that paid */
    int failed_windows;         /* in a row */
};

/* A policy that has seen no job: splitting. */
#define NK_POLICY_START { 0 }

static int policy_runs_alone(const nk_pool_policy *p, long long now)
{
    return now < p->alone_until;
}

static void policy_record(nk_pool_policy *p, double alone, double wall, int helped, long long now)
{
    if (!p->window_open) { p->window_open = 1; p->window_start = now; }
    if (p->warm_jobs < NK_WINDOW_WARMUP) {   /* this job is the warm-up's, and perhaps its last */
        p->warm_jobs += helped;
        if (now - p->window_start >= NK_WARMUP_MAX_US * NK_TICKS_PER_US) p->warm_jobs = NK_WINDOW_WARMUP;
        return;
    }
    p->window_alone += alone;
    p->window_wall += wall;
    int measured = ++p->window_jobs;
    if (measured < NK_WINDOW_JOBS &&
        (measured < NK_WINDOW_MIN_JOBS || p->window_wall < (double)NK_WINDOW_US * NK_TICKS_PER_US))
        return;
    if (p->window_alone >= NK_MIN_GAIN * p->window_wall) {
        p->alone_stretch = 0;
        p->failed_windows = 0;
    } else if (p->alone_stretch || ++p->failed_windows >= NK_FAILED_WINDOWS) {
        double first = NK_ALONE_WINDOWS * p->window_wall;
        if (first > (double)NK_ALONE_FIRST_MAX_US * NK_TICKS_PER_US) first = (double)NK_ALONE_FIRST_MAX_US * NK_TICKS_PER_US;
        long long stretch = p->alone_stretch ? 2 * p->alone_stretch : (long long)first;
        if (stretch > NK_ALONE_MAX_US * NK_TICKS_PER_US) stretch = NK_ALONE_MAX_US * NK_TICKS_PER_US;
        p->alone_stretch = stretch;
        p->alone_until = now + stretch;
    }
    p->window_alone = p->window_wall = 0;
    p->window_jobs = p->warm_jobs = p->window_open = 0;
}

/* The pool's own policy, guarded by its run_lock. */
static nk_pool_policy pool_policy = NK_POLICY_START;

int nk_pool_policy_runs_alone(long long now) { return policy_runs_alone(&pool_policy, now); }

void nk_pool_policy_record(double alone, double wall, int helped, long long now)
{
    policy_record(&pool_policy, alone, wall, helped, now);
}

/* A policy of its own for tests, driven with made-up times. */
nk_pool_policy *nk_pool_policy_create(void)
{
    nk_pool_policy *p = malloc(sizeof *p);
    if (p) *p = (nk_pool_policy)NK_POLICY_START;
    return p;
}

void nk_pool_policy_destroy(nk_pool_policy *p) { free(p); }

int nk_pool_policy_says_alone(const nk_pool_policy *p, long long now) { return policy_runs_alone(p, now); }

void nk_pool_policy_note(nk_pool_policy *p, double alone, double wall, int helped, long long now)
{
    policy_record(p, alone, wall, helped, now);
}

long long nk_pool_policy_ticks_per_microsecond(void) { return NK_TICKS_PER_US; }
