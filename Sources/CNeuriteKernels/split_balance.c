/*
 * How a two-task product is cut between the calling thread and the worker,
 * from how fast each has been running.
 *
 * WHY: the two vCPUs of the 2-core VM do not run at the same speed. Traced
 * in a `neurite bench` process (its GEMM table and the 784-512-512-10
 * training row; issue 11, stop 25), the worker's half of every large
 * product took 1.32–1.39× the caller's in that process
 * (a 512³ product: 922 µs against 1250 µs, medians of 979 jobs), and in the
 * next process of the same binary the caller's half took 1.14–1.4× the
 * worker's: the host slows one core or the other for minutes at a time. With
 * halves, the faster thread waits for the slower: the calling thread spent
 * 9.9% of that row spinning in nk_pool_run. Cut in proportion to the speeds,
 * both finish together.
 *
 * The estimate is the worker's time per unit of work over the caller's,
 * averaged over recent jobs (each job moves it 1/8 of the way, a ratio read
 * as at most 2 or at least 1/2), so one descheduled task does not swing the
 * cut; the caller's share is bounded so that a stale estimate costs little.
 *
 * The estimate is read before a job takes the pool and written after it is
 * released, so two callers may touch it at once: relaxed atomics, and an
 * update lost that way costs nothing.
 */
#include "gemm_internal.h"

#define NK_SHARE_MIN 0.35
#define NK_SHARE_MAX 0.65

double nk_split_balance_share(double worker_over_caller)
{
    double share = worker_over_caller / (1.0 + worker_over_caller);   /* caller·share = worker·(1 - share) */
    if (!(share >= NK_SHARE_MIN)) return NK_SHARE_MIN;   /* also NaN */
    return share > NK_SHARE_MAX ? NK_SHARE_MAX : share;
}

double nk_split_balance_next(double estimate, double caller_ticks_per_unit, double worker_ticks_per_unit)
{
    if (!(caller_ticks_per_unit > 0) || !(worker_ticks_per_unit > 0)) return estimate;
    double measured = worker_ticks_per_unit / caller_ticks_per_unit;
    if (measured > 2.0) measured = 2.0;     /* e.g. a descheduled task */
    if (measured < 0.5) measured = 0.5;
    return estimate + (measured - estimate) / 8.0;
}

/* The pool's estimate: worker time per unit of work / caller time per unit. */
static double pool_ratio = 1.0;

static double pool_estimate(void)
{
    double ratio;
    __atomic_load(&pool_ratio, &ratio, __ATOMIC_RELAXED);
    return ratio;
}

double nk_split_caller_share(void) { return nk_split_balance_share(pool_estimate()); }

void nk_split_balance_record(double caller_ticks_per_unit, double worker_ticks_per_unit)
{
    double ratio = nk_split_balance_next(pool_estimate(), caller_ticks_per_unit, worker_ticks_per_unit);
    __atomic_store(&pool_ratio, &ratio, __ATOMIC_RELAXED);
}
