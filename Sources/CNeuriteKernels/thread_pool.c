/*
 * Persistent worker pool that measures whether it pays.
 *
 * WHY persistent + bounded spin, then sleep: creating threads per call costs
 * tens of microseconds, more than a whole 64×64 product. Workers spin for a
 * bounded time after a job (back-to-back GEMMs in a training step hand off in
 * well under a microsecond), then sleep on a condition variable so an idle
 * library burns no CPU. The caller waiting for a worker's last task also
 * spins only briefly, then sleeps: if that worker was descheduled, a spinning
 * caller would keep it off the core it needs to finish.
 *
 * Whether a job is split at all is pool_policy.c's call: it measures whether
 * splitting pays and, when it does not, has jobs run on the calling thread.
 *
 * WHY the caller runs task 0: the jobs of a training step split the same arrays
 * the same way, task by task (a dense layer's weight rows in the forward
 * product, in the weight gradient and in the optimizer's update, each split
 * in contiguous halves), so with a fixed task-to-thread assignment each
 * thread's half of the weights, velocity and gradient stays in its own core's
 * cache from one job to the next. Claimed dynamically, task 0 went to the
 * worker now and then, and its half moved between cores: on a 2-core VM
 * (Intel Xeon, 2 MB L2 per core) a 401 KB array written by one core is read
 * by the other at about 20 GB/s, against over 100 GB/s from its own L2. In a C
 * emulation of the 784-128-10 batch-64 step, the update of a half (50k
 * weights) took 44 µs with dynamic claims and 25–31 µs with task 0 fixed.
 *
 * One caller at a time owns the pool (run_lock, taken with trylock): a
 * concurrent caller does not wait, it simply runs all its tasks itself.
 *
 * A background job (nk_parallel_start) is published with no task claimed and
 * the caller returns at once, keeping run_lock: the workers claim its tasks
 * while the caller does work of its own, and the caller's next job, or
 * nk_parallel_finish, first runs the tasks still unclaimed and waits for the
 * rest, as any job's caller does. A training step gathers its next batch this
 * way during the part of its backward pass too small to split.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE                 /* sched_getcpu */
#endif
#include "NeuriteKernels.h"
#include "gemm_internal.h"
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include "pool_clock.h"

#define NK_MAX_THREADS 64

static inline void nk_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

/* A worker spins about this long after a job before it sleeps: longer than
 * the gaps between the kernels of one training step. */
#define NK_WORKER_SPIN_TICKS (60 * NK_TICKS_PER_US)

/* The current job in one word: generation (32 bits) | task count (16) | next
 * unclaimed task (16). Tasks are claimed with a CAS on the whole word, so a
 * worker that wakes late (e.g. descheduled on a busy machine) finds every task
 * already taken by the caller and cannot touch a finished job: the caller
 * never waits for a worker that has not started, it only waits for tasks that
 * are actually running. The count lives in the word, not beside it: with the
 * count in its own variable, a worker holding the finished word could read the
 * next job's larger count, written before that job is published, and claim a
 * task past the end of the finished job (it ran a task twice and hung the
 * caller, about once in 10⁶ jobs under load). */
#define NK_MAX_TASKS 0xFFFF
static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sleep_cv = PTHREAD_COND_INITIALIZER;   /* workers */
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER;    /* the caller */
static int sleepers;                 /* guarded by sleep_lock */
static int caller_sleeping;          /* atomic; set under sleep_lock */
static int nworkers;                 /* guarded by run_lock */
/* The job and the count of its finished tasks, each in a cache line of its
 * own: the workers spin reading the job's line, so the caller's writes to the
 * locks and other state must not land in it (each such write takes the line
 * from the spinning worker and makes it fetch it again, a cross-core transfer
 * of ~0.1 µs); publishing a job then moves the line once, with the function
 * and context in it. */
typedef struct {
    unsigned long long word;         /* atomic */
    nk_task_fn fn;                   /* written before `word` is published */
    void *ctx;
    int caller_cpu;                  /* likewise; -1 where unknown */
} __attribute__((aligned(64))) nk_job_line;
typedef struct {
    int count;                       /* atomic: finished tasks */
    int on_caller_cpu;               /* atomic: a worker ran a task on the caller's CPU */
} __attribute__((aligned(64))) nk_done_line;
static nk_job_line job;
static nk_done_line done;
static int thread_count;             /* 0 = not yet resolved */
static _Thread_local int is_worker;

/* The CPU the calling thread runs on, or -1 where the system does not say.
 *
 * WHY the pool asks: a worker that runs on the caller's CPU (both threads
 * confined to one CPU by taskset or a cpuset, or moved there by the
 * scheduler) takes turns with the caller instead of running beside it, and
 * the policy's estimate cannot see that: the caller's own task, stretched by
 * the worker's turns, reads as if one thread needed twice its time, so such
 * windows could pass. A job whose worker ran on the caller's CPU is reported
 * as having gained nothing (pool_policy.c has the measurements). Asking costs
 * about nothing: with two free cores, the batch-64 and batch-1 rows read
 * 1.00× and 1.01× as fast as without it (12 processes each). */
static int nk_current_cpu(void)
{
#if defined(__linux__)
    return sched_getcpu();
#else
    return -1;
#endif
}

/* Claims and runs tasks of generation `gen` until none are left; returns how
 * many it ran. */
static int nk_drain(unsigned gen)
{
    int ran = 0;
    unsigned long long w = __atomic_load_n(&job.word, __ATOMIC_ACQUIRE);
    for (;;) {
        int t = (int)(w & NK_MAX_TASKS), ntasks = (int)((w >> 16) & NK_MAX_TASKS);
        if ((unsigned)(w >> 32) != gen || t >= ntasks) return ran;
        /* Relaxed loads: while task t is unclaimed the job is not finished,
         * so the caller cannot be writing the next job's; if the CAS below
         * fails, the values are discarded. */
        nk_task_fn fn = __atomic_load_n(&job.fn, __ATOMIC_RELAXED);
        void *ctx = __atomic_load_n(&job.ctx, __ATOMIC_RELAXED);
        /* Success proves job `gen` was still live, so fn/ctx were its own. */
        if (__atomic_compare_exchange_n(&job.word, &w, w + 1, 0, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE)) {
            /* The claim proves the job is live, so caller_cpu is its own. */
            int caller_cpu = __atomic_load_n(&job.caller_cpu, __ATOMIC_RELAXED);
            if (is_worker && caller_cpu >= 0 && nk_current_cpu() == caller_cpu)
                __atomic_store_n(&done.on_caller_cpu, 1, __ATOMIC_RELAXED);
            fn(ctx, t);
            ran++;
            /* seq_cst pairs with the caller's store of caller_sleeping. */
            if (__atomic_add_fetch(&done.count, 1, __ATOMIC_SEQ_CST) == ntasks &&
                __atomic_load_n(&caller_sleeping, __ATOMIC_SEQ_CST)) {
                pthread_mutex_lock(&sleep_lock);
                pthread_cond_signal(&done_cv);
                pthread_mutex_unlock(&sleep_lock);
            }
            w = __atomic_load_n(&job.word, __ATOMIC_ACQUIRE);
        }
    }
}

static unsigned nk_generation(void)
{
    return (unsigned)(__atomic_load_n(&job.word, __ATOMIC_ACQUIRE) >> 32);
}

int nk_on_worker_thread(void) { return is_worker; }

int nk_pool_last_job_took_turns(void) { return __atomic_load_n(&done.on_caller_cpu, __ATOMIC_RELAXED); }

static void *nk_worker(void *arg)
{
    is_worker = 1;
    unsigned seen = (unsigned)(uintptr_t)arg;  /* generation at creation */
    for (;;) {
        unsigned g = nk_generation();
        long long deadline = nk_ticks() + NK_WORKER_SPIN_TICKS;
        for (int s = 1; g == seen; s++) {
            nk_cpu_relax();
            g = nk_generation();
            if ((s & 15) == 0 && nk_ticks() > deadline) break;
        }
        if (g == seen) {
            pthread_mutex_lock(&sleep_lock);
            sleepers++;
            while ((g = nk_generation()) == seen)
                pthread_cond_wait(&sleep_cv, &sleep_lock);
            sleepers--;
            pthread_mutex_unlock(&sleep_lock);
        }
        seen = g;
        nk_drain(g);
    }
    return NULL;
}

/* Waits for the workers' tasks: spins about as long as two tasks take (a
 * worker that is running finishes within that), then sleeps. */
static void nk_wait_done(int ntasks, long long task_ticks)
{
    long long deadline = nk_ticks() + 2 * task_ticks + 2 * NK_TICKS_PER_US;
    for (int s = 1; __atomic_load_n(&done.count, __ATOMIC_ACQUIRE) != ntasks; s++) {
        nk_cpu_relax();
        if ((s & 15) == 0 && nk_ticks() > deadline) {
            pthread_mutex_lock(&sleep_lock);
            __atomic_store_n(&caller_sleeping, 1, __ATOMIC_SEQ_CST);
            while (__atomic_load_n(&done.count, __ATOMIC_SEQ_CST) != ntasks)
                pthread_cond_wait(&done_cv, &sleep_lock);
            __atomic_store_n(&caller_sleeping, 0, __ATOMIC_RELAXED);
            pthread_mutex_unlock(&sleep_lock);
            return;
        }
    }
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

static void nk_run_alone(int ntasks, nk_task_fn fn, void *ctx)
{
    for (int t = 0; t < ntasks; t++) fn(ctx, t);
}

/* The job nk_parallel_start left running, if the calling thread started one:
 * that thread still holds run_lock, and the job's generation and task count
 * are here. Thread-local, so that only the thread that started it finishes
 * it. */
static _Thread_local struct { int pending; unsigned gen; int ntasks; } background;

/* Runs the background job's unclaimed tasks, waits for the running ones;
 * run_lock stays held. Its tasks are short (a batch gather's 64 rows took
 * 12.5–16 µs on the 2-core VM, so a part of 8 rows about 2 µs): the wait
 * spins about as long as a few of them take (nk_wait_done: twice the given
 * 10 µs), then sleeps. */
static void nk_complete_background(void)
{
    nk_drain(background.gen);
    nk_wait_done(background.ntasks, 10 * NK_TICKS_PER_US);
    background.pending = 0;
}

/* Publishes fn × ntasks as the next job, with its first `claimed` tasks
 * already taken by the caller, and wakes sleeping workers; run_lock held.
 * Returns the job's generation. */
static unsigned nk_publish(int ntasks, int want, nk_task_fn fn, void *ctx, int claimed)
{
    unsigned gen = (unsigned)(__atomic_load_n(&job.word, __ATOMIC_RELAXED) >> 32);
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
    __atomic_store_n(&job.fn, fn, __ATOMIC_RELAXED);
    __atomic_store_n(&job.ctx, ctx, __ATOMIC_RELAXED);
    __atomic_store_n(&job.caller_cpu, nk_current_cpu(), __ATOMIC_RELAXED);
    __atomic_store_n(&done.on_caller_cpu, 0, __ATOMIC_RELAXED);
    /* Claimed tasks counted in advance: the caller runs them before it waits,
     * and counting them afterwards would move the count's line to the caller
     * and back in every job. */
    __atomic_store_n(&done.count, claimed, __ATOMIC_RELAXED);
    gen++;
    pthread_mutex_lock(&sleep_lock);   /* pairs with the sleepers' check */
    __atomic_store_n(&job.word, (unsigned long long)gen << 32 | (unsigned long long)ntasks << 16 | (unsigned long long)claimed,
                     __ATOMIC_RELEASE);
    if (sleepers) pthread_cond_broadcast(&sleep_cv);
    pthread_mutex_unlock(&sleep_lock);
    return gen;
}

/* Takes the pool for a job of ntasks on up to `want` threads: 1 when the
 * calling thread now holds run_lock (finishing its own background job
 * first, if it started one) and the policy lets the job split; 0, with
 * run_lock not held, when the job must run on the caller alone (one thread,
 * too many tasks for the word, the pool busy, or the policy). */
static int nk_take_pool(int ntasks, int want)
{
    int usable = want > 1 && ntasks <= NK_MAX_TASKS;
    if (background.pending) {                  /* run_lock is already ours */
        nk_complete_background();
    } else if (!usable || pthread_mutex_trylock(&run_lock) != 0) {
        return 0;
    }
    if (usable && !nk_pool_policy_runs_alone(nk_ticks())) return 1;
    pthread_mutex_unlock(&run_lock);
    return 0;
}

void nk_pool_run(int ntasks, nk_task_fn fn, void *ctx)
{
    int want = ntasks < nk_thread_count() ? ntasks : nk_thread_count();
    if (!nk_take_pool(ntasks, want)) {
        nk_run_alone(ntasks, fn, ctx);
        return;
    }
    long long started = nk_ticks();
    /* Published with task 0 already claimed: see "WHY the caller runs task 0". */
    unsigned gen = nk_publish(ntasks, want, fn, ctx, 1);

    fn(ctx, 0);
    int mine = 1 + nk_drain(gen);      /* if no worker shows up, we do it all */
    long long drained = nk_ticks();
    long long task_ticks = (drained - started) / mine;
    nk_wait_done(ntasks, task_ticks);
    /* One thread would have needed about ntasks × the caller's time per task,
     * unless a worker took turns with it on its CPU (nk_current_cpu). */
    long long finished = nk_ticks();
    double wall = (double)(finished - started);
    double alone = __atomic_load_n(&done.on_caller_cpu, __ATOMIC_RELAXED) ? wall : (double)task_ticks * ntasks;
    nk_pool_policy_record(alone, wall, mine < ntasks, finished);
    pthread_mutex_unlock(&run_lock);
}

/* A job too small to be worth waiting for: while the calling thread's
 * background job runs, its tasks run on the caller alone (the same tasks, so
 * the same results), and the workers go on with the background job. */
void nk_pool_run_small(int ntasks, nk_task_fn fn, void *ctx)
{
    if (background.pending) nk_run_alone(ntasks, fn, ctx);
    else nk_pool_run(ntasks, fn, ctx);
}

void nk_parallel_for(int tasks, nk_task_fn fn, void *context)
{
    nk_pool_run(tasks, fn, context);
}

int nk_parallel_start(int tasks, nk_task_fn fn, void *context)
{
    /* Every thread but the caller's may help, even with a single task: the
     * caller has work of its own meanwhile. */
    int want = nk_thread_count();
    if (!nk_take_pool(tasks, want)) {
        nk_run_alone(tasks, fn, context);
        return 0;
    }
    background.gen = nk_publish(tasks, want, fn, context, 0);
    background.ntasks = tasks;
    background.pending = 1;
    return 1;
}

void nk_parallel_finish(void)
{
    if (!background.pending) return;
    nk_complete_background();
    pthread_mutex_unlock(&run_lock);
}
