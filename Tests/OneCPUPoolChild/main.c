/*
 * A child process for the thread pool's test of two threads on one CPU
 * (Tests/NeuriteTests/PoolPolicyTests): confines itself to the CPU it starts
 * on, before the pool starts its worker (which inherits that), runs split
 * jobs of a few milliseconds per task, and prints how many of them a worker
 * helped with from the caller's CPU, as "TOOK_TURNS of JOBS".
 */
#if defined(__linux__)
#define _GNU_SOURCE
#include <sched.h>
#endif
#include <stdio.h>
#include "NeuriteKernels.h"

static void busy_task(void *context, int task)
{
    volatile double sum = 0;
    for (long i = 0; i < 2000000; i++) sum += (double)i;
    ((int *)context)[task] = 1;
}

int main(void)
{
#if defined(__linux__)
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu(), &one);
    if (sched_setaffinity(0, sizeof one, &one) != 0) {
        perror("sched_setaffinity");
        return 2;
    }
    nk_set_thread_count(2);
    int jobs = 10, took_turns = 0;
    for (int job = 0; job < jobs; job++) {
        int ran[8] = { 0 };
        nk_parallel_for(8, busy_task, ran);
        for (int task = 0; task < 8; task++)
            if (!ran[task]) return 3;
        took_turns += nk_pool_last_job_took_turns();
    }
    printf("%d of %d\n", took_turns, jobs);
    return 0;
#else
    printf("0 of 0\n");
    return 0;
#endif
}
