/*
 * The thread pool's clock, shared by thread_pool.c and pool_policy.c: cheap
 * enough to read a few times per split job.
 */
#ifndef NK_POOL_CLOCK_H
#define NK_POOL_CLOCK_H

/* The time-stamp counter on x86 (~20 cycles, a constant 1.5–4 GHz on the
 * CPUs this targets; the pool only compares tick counts and sizes its
 * deadlines roughly), else CLOCK_MONOTONIC in ns. */
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define NK_TICKS_PER_US 2500LL
static inline long long nk_ticks(void) { return (long long)__rdtsc(); }
#else
#include <time.h>
#define NK_TICKS_PER_US 1000LL
static inline long long nk_ticks(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}
#endif

#endif /* NK_POOL_CLOCK_H */
