// Open MPI through dlopen: see include/mpi_loader.h for why.
#include "mpi_loader.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef int (*init_function)(int *, char ***);
typedef int (*communicator_query)(void *, int *);
typedef int (*allreduce_function)(const void *, void *, int, void *, void *, void *);
typedef int (*broadcast_function)(void *, int, void *, int, void *);
typedef int (*barrier_function)(void *);
typedef int (*abort_function)(void *, int);
typedef int (*finalize_function)(void);
typedef int (*start_allreduce_function)(const void *, void *, int, void *, void *, void *, void **);
typedef int (*wait_function)(void **, void *);
typedef int (*test_function)(void **, int *, void *);

static struct {
    int loaded;
    void *world, *float_type, *sum;
    communicator_query rank, size;
    allreduce_function allreduce;
    broadcast_function broadcast;
    barrier_function barrier;
    abort_function abort;
    finalize_function finalize;
    start_allreduce_function start_allreduce;
    wait_function wait;
    test_function test;
} mpi;

// MPI_IN_PLACE in Open MPI's ABI.
#define OPEN_MPI_IN_PLACE ((void *)1)

// MPI counts are int: larger buffers go in chunks.
static const long chunk = INT_MAX / 2;

static void finalize_at_exit(void) { mpi.finalize(); }

// The collective timeout. Each blocking call (a collective, or the wait for a started one)
// notes when it began; a watchdog thread ends the process when one has waited longer than the
// limit. It uses _exit rather than MPI_Abort: MPI is initialised for one thread, so calling it
// from a second thread while the first is inside MPI is undefined, whereas a process that exits
// with a non-zero code makes mpirun end every other rank.
static _Atomic long long waiting_since;        // CLOCK_MONOTONIC nanoseconds; 0: not waiting
static _Atomic(const char *) waiting_for = "";  // the operation, for the message
static _Atomic long long timeout_nanoseconds;   // 0: no limit
static _Atomic long long waited_nanoseconds;    // total time spent in blocking calls
static pthread_t watchdog;
static int watchdog_started;
static int world_rank, world_size;  // read once at load: the watchdog makes no MPI call

static long long now_nanoseconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

static void begin_waiting(const char *operation) {
    atomic_store(&waiting_for, operation);
    atomic_store(&waiting_since, now_nanoseconds());
}

static void end_waiting(void) {
    long long since = atomic_exchange(&waiting_since, 0);
    if (since) atomic_fetch_add(&waited_nanoseconds, now_nanoseconds() - since);
}

static void *watch_collectives(void *unused) {
    (void)unused;
    const struct timespec poll = {0, 200000000};  // 0.2 s
    for (;;) {
        nanosleep(&poll, NULL);
        long long since = atomic_load(&waiting_since), limit = atomic_load(&timeout_nanoseconds);
        if (!since || !limit || now_nanoseconds() - since <= limit) continue;
        char line[400];
        int length = snprintf(line, sizeof line,
                              "error: rank %d of %d: %s did not complete within %.0f s: another rank has died, hangs or "
                              "is far slower (see --collective-timeout); ending the job\n",
                              world_rank, world_size, atomic_load(&waiting_for), (double)limit / 1e9);
        if (length > 0) (void)!write(STDERR_FILENO, line, (size_t)(length < (int)sizeof line ? length : (int)sizeof line - 1));
        _exit(124);
    }
    return NULL;
}

int nk_mpi_set_collective_timeout(double seconds) {
    atomic_store(&timeout_nanoseconds, seconds > 0 ? (long long)(seconds * 1e9) : 0);
    if (seconds <= 0 || watchdog_started) return 0;
    if (pthread_create(&watchdog, NULL, watch_collectives, NULL) != 0) return -1;
    pthread_detach(watchdog);
    watchdog_started = 1;
    return 0;
}

double nk_mpi_seconds_waiting(void) { return (double)atomic_load(&waited_nanoseconds) / 1e9; }

static void *symbol(void *library, const char *name, char *error, long capacity) {
    void *address = dlsym(library, name);
    if (!address) snprintf(error, (size_t)capacity, "%s has no symbol %s", "libmpi", name);
    return address;
}

int nk_mpi_load(char *error, long capacity) {
    if (mpi.loaded) return 0;
    const char *path = getenv("NEURITE_MPI_LIBRARY");
    if (!path || !*path) path = "libmpi.so.40";
    // RTLD_GLOBAL: Open MPI's own plugins, loaded later, resolve MPI symbols against it.
    void *library = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
    if (!library) {
        snprintf(error, (size_t)capacity, "cannot load %s (install Open MPI: apt-get install openmpi-bin libopenmpi-dev): %s",
                 path, dlerror());
        return -1;
    }
    init_function init = (init_function)symbol(library, "MPI_Init", error, capacity);
    if (!init) return -1;
#define LOAD(field, type, name) \
    if (!(mpi.field = (type)symbol(library, name, error, capacity))) return -1;
    LOAD(rank, communicator_query, "MPI_Comm_rank")
    LOAD(size, communicator_query, "MPI_Comm_size")
    LOAD(allreduce, allreduce_function, "MPI_Allreduce")
    LOAD(broadcast, broadcast_function, "MPI_Bcast")
    LOAD(barrier, barrier_function, "MPI_Barrier")
    LOAD(abort, abort_function, "MPI_Abort")
    LOAD(finalize, finalize_function, "MPI_Finalize")
    LOAD(start_allreduce, start_allreduce_function, "MPI_Iallreduce")
    LOAD(wait, wait_function, "MPI_Wait")
    LOAD(test, test_function, "MPI_Test")
    LOAD(world, void *, "ompi_mpi_comm_world")
    LOAD(float_type, void *, "ompi_mpi_float")
    LOAD(sum, void *, "ompi_mpi_op_sum")
#undef LOAD
    int status = init(NULL, NULL);
    if (status != 0) {
        snprintf(error, (size_t)capacity, "MPI_Init failed with code %d", status);
        return -1;
    }
    atexit(finalize_at_exit);
    mpi.rank(mpi.world, &world_rank);
    mpi.size(mpi.world, &world_size);
    mpi.loaded = 1;
    return 0;
}

int nk_mpi_rank(void) {
    int rank = 0;
    mpi.rank(mpi.world, &rank);
    return rank;
}

int nk_mpi_size(void) {
    int size = 1;
    mpi.size(mpi.world, &size);
    return size;
}

int nk_mpi_allreduce_sum_float(float *values, long count) {
    begin_waiting("allreduce");
    int status = 0;
    for (long start = 0; start < count; start += chunk) {
        long part = count - start < chunk ? count - start : chunk;
        status = mpi.allreduce(OPEN_MPI_IN_PLACE, values + start, (int)part, mpi.float_type, mpi.sum, mpi.world);
        if (status != 0) break;
    }
    end_waiting();
    return status;
}

int nk_mpi_start_allreduce_sum_float(float *values, long count, void **request) {
    if (count > INT_MAX) return -1;
    return mpi.start_allreduce(OPEN_MPI_IN_PLACE, values, (int)count, mpi.float_type, mpi.sum, mpi.world, request);
}

int nk_mpi_wait(void **request) {
    begin_waiting("allreduce");
    int status = mpi.wait(request, NULL);  // NULL is MPI_STATUS_IGNORE in Open MPI's ABI
    end_waiting();
    return status;
}

int nk_mpi_broadcast_float(float *values, long count, int root) {
    begin_waiting("broadcast");
    int status = 0;
    for (long start = 0; start < count; start += chunk) {
        long part = count - start < chunk ? count - start : chunk;
        status = mpi.broadcast(values + start, (int)part, mpi.float_type, root, mpi.world);
        if (status != 0) break;
    }
    end_waiting();
    return status;
}

int nk_mpi_test(void **request, int *done) { return mpi.test(request, done, NULL); }

int nk_mpi_barrier(void) {
    begin_waiting("barrier");
    int status = mpi.barrier(mpi.world);
    end_waiting();
    return status;
}

void nk_mpi_abort(int code) {
    mpi.abort(mpi.world, code);
    exit(code);
}
