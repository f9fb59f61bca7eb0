/*
 * Persistent worker pool.
 *
 * WHY persistent + spin-then-sleep: creating threads per call costs tens of
 * microseconds, more than a whole 64×64 product. Workers spin briefly after a
 * job (back-to-back GEMMs in a training step hand off in well under a
 * microsecond), then sleep on a condition variable so an idle library burns
 * no CPU.
 *
 * One caller at a time owns the pool (run_lock, taken with trylock): a
 * concurrent caller does not wait, it simply runs all its tasks itself.
 */
#include "NeuriteKernels.h"
#include "gemm_internal.h"
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define NK_MAX_THREADS 64
/* ~50-100 µs of spinning before a worker sleeps (pause is ~10-70 cycles). */
#define NK_SPIN_ITERS (1 << 13)

static inline void nk_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

/* The current job. `word` = generation << 32 | next unclaimed task. Tasks
 * are claimed with a CAS on the whole word, so a worker that wakes late
 * (e.g. descheduled on a busy machine) finds every task already taken by the
 * caller and cannot touch a finished job: the caller never waits for a worker
 * that has not started, it only waits for tasks that are actually running. */
static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sleep_cv = PTHREAD_COND_INITIALIZER;
static int sleepers;                 /* guarded by sleep_lock */
static int nworkers;                 /* guarded by run_lock */
static unsigned long long word;      /* atomic */
static nk_task_fn job_fn;            /* written before `word` is published */
static void *job_ctx;
static int job_ntasks;
static int done;                     /* atomic: finished tasks */
static int thread_count;             /* 0 = not yet resolved */

/* Claims and runs tasks of generation `gen` until none are left. */
static void nk_drain(unsigned gen)
{
    unsigned long long w = __atomic_load_n(&word, __ATOMIC_ACQUIRE);
    for (;;) {
        if ((unsigned)(w >> 32) != gen) return;
        /* Relaxed loads: these may race with the next job's writes, but then
         * the CAS below fails and the values are discarded. */
        nk_task_fn fn = __atomic_load_n(&job_fn, __ATOMIC_RELAXED);
        void *ctx = __atomic_load_n(&job_ctx, __ATOMIC_RELAXED);
        int t = (int)(unsigned)w;
        if (t >= __atomic_load_n(&job_ntasks, __ATOMIC_RELAXED)) return;
        /* Success proves job `gen` was still live, so fn/ctx were its own. */
        if (__atomic_compare_exchange_n(&word, &w, w + 1, 0, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE)) {
            fn(ctx, t);
            __atomic_fetch_add(&done, 1, __ATOMIC_RELEASE);
            w = __atomic_load_n(&word, __ATOMIC_ACQUIRE);
        }
    }
}

static void *nk_worker(void *arg)
{
    unsigned seen = (unsigned)(uintptr_t)arg;  /* generation at creation */
    for (;;) {
        unsigned g = seen;
        for (int s = 0; s < NK_SPIN_ITERS; s++) {
            g = (unsigned)(__atomic_load_n(&word, __ATOMIC_ACQUIRE) >> 32);
            if (g != seen) break;
            nk_cpu_relax();
        }
        if (g == seen) {
            pthread_mutex_lock(&sleep_lock);
            sleepers++;
            while ((g = (unsigned)(__atomic_load_n(&word, __ATOMIC_ACQUIRE) >> 32)) == seen)
                pthread_cond_wait(&sleep_cv, &sleep_lock);
            sleepers--;
            pthread_mutex_unlock(&sleep_lock);
        }
        seen = g;
        nk_drain(g);
    }
    return NULL;
}

static int nk_default_threads(void)
{
    const char *env = getenv("NEURITE_THREADS");
    long n = 0;
    if (env) {
        char *end;
        n = strtol(env, &end, 10);
        if (end == env || *end != '\0') n = 0;
    }
    if (n <= 0) n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n <= 0) n = 1;
    return n > NK_MAX_THREADS ? NK_MAX_THREADS : (int)n;
}

int nk_thread_count(void)
{
    int n = __atomic_load_n(&thread_count, __ATOMIC_RELAXED);
    if (n <= 0) {
        n = nk_default_threads();
        __atomic_store_n(&thread_count, n, __ATOMIC_RELAXED);
    }
    return n;
}

void nk_set_thread_count(int n)
{
    if (n <= 0) n = nk_default_threads();
    if (n > NK_MAX_THREADS) n = NK_MAX_THREADS;
    __atomic_store_n(&thread_count, n, __ATOMIC_RELAXED);
}

void nk_pool_run(int ntasks, nk_task_fn fn, void *ctx)
{
    int want = ntasks < nk_thread_count() ? ntasks : nk_thread_count();
    if (want <= 1 || pthread_mutex_trylock(&run_lock) != 0) {
        for (int t = 0; t < ntasks; t++) fn(ctx, t);   /* busy: run alone */
        return;
    }
    unsigned gen = (unsigned)(__atomic_load_n(&word, __ATOMIC_RELAXED) >> 32);
    while (nworkers < want - 1) {              /* lazy start */
        pthread_t th;
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        int ok = pthread_create(&th, &at, nk_worker, (void *)(uintptr_t)gen) == 0;
        pthread_attr_destroy(&at);
        if (!ok) break;
        nworkers++;
    }
    __atomic_store_n(&job_fn, fn, __ATOMIC_RELAXED);
    __atomic_store_n(&job_ctx, ctx, __ATOMIC_RELAXED);
    __atomic_store_n(&job_ntasks, ntasks, __ATOMIC_RELAXED);
    __atomic_store_n(&done, 0, __ATOMIC_RELAXED);
    gen++;
    pthread_mutex_lock(&sleep_lock);   /* pairs with the sleepers' check */
    __atomic_store_n(&word, (unsigned long long)gen << 32, __ATOMIC_RELEASE);
    if (sleepers) pthread_cond_broadcast(&sleep_cv);
    pthread_mutex_unlock(&sleep_lock);

    nk_drain(gen);                     /* if no worker shows up, we do it all */
    for (long s = 0; __atomic_load_n(&done, __ATOMIC_ACQUIRE) != ntasks; s++) {
        if (s < NK_SPIN_ITERS) nk_cpu_relax();
        else sched_yield();
    }
    pthread_mutex_unlock(&run_lock);
}

void nk_parallel_for(int tasks, nk_task_fn fn, void *context)
{
    nk_pool_run(tasks, fn, context);
}
