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
 * window of jobs, if splitting did not save NK_MIN_GAIN, the next jobs run on
 * the calling thread alone (the workers stop spinning and sleep), for a
 * stretch that doubles while splitting keeps failing, before the pool is tried
 * again. A failing window costs at most its own jobs per stretch, so the pool
 * degrades to about its one-thread speed. The tasks are the same either way,
 * so results do not depend on the choice.
 *
 * All state is guarded by the pool's run_lock: only its owner calls in here.
 */
#include "gemm_internal.h"

/* Split jobs per verdict, after the first jobs of a window (workers may be
 * waking from sleep), and the gain (one-thread time / wall time) a window
 * must show to keep splitting. */
#define NK_WINDOW_JOBS 32
#define NK_WINDOW_WARMUP 2
#define NK_MIN_GAIN 1.15
/* Jobs run alone after a failed window: doubled per failure, up to the max. */
#define NK_ALONE_JOBS_MIN 256
#define NK_ALONE_JOBS_MAX 65536

static double window_alone, window_wall;
static int window_jobs;
static long alone_jobs_left, alone_stretch = NK_ALONE_JOBS_MIN;

int nk_pool_policy_runs_alone(void)
{
    if (alone_jobs_left == 0) return 0;
    alone_jobs_left--;
    return 1;
}

void nk_pool_policy_record(double alone, double wall)
{
    if (++window_jobs <= NK_WINDOW_WARMUP) return;
    window_alone += alone;
    window_wall += wall;
    if (window_jobs < NK_WINDOW_WARMUP + NK_WINDOW_JOBS) return;
    if (window_alone < NK_MIN_GAIN * window_wall) {
        alone_jobs_left = alone_stretch;
        if (alone_stretch < NK_ALONE_JOBS_MAX) alone_stretch *= 2;
    } else {
        alone_stretch = NK_ALONE_JOBS_MIN;
    }
    window_alone = window_wall = 0;
    window_jobs = 0;
}
