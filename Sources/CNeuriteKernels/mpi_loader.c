// Open MPI through dlopen: see include/mpi_loader.h for why.
#include "mpi_loader.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

typedef int (*init_function)(int *, char ***);
typedef int (*communicator_query)(void *, int *);
typedef int (*allreduce_function)(const void *, void *, int, void *, void *, void *);
typedef int (*broadcast_function)(void *, int, void *, int, void *);
typedef int (*barrier_function)(void *);
typedef int (*abort_function)(void *, int);
typedef int (*finalize_function)(void);

static struct {
    int loaded;
    void *world, *float_type, *sum;
    communicator_query rank, size;
    allreduce_function allreduce;
    broadcast_function broadcast;
    barrier_function barrier;
    abort_function abort;
    finalize_function finalize;
} mpi;

// MPI_IN_PLACE in Open MPI's ABI.
#define OPEN_MPI_IN_PLACE ((void *)1)

// MPI counts are int: larger buffers go in chunks.
static const long chunk = INT_MAX / 2;

static void finalize_at_exit(void) { mpi.finalize(); }

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
    for (long start = 0; start < count; start += chunk) {
        long part = count - start < chunk ? count - start : chunk;
        int status = mpi.allreduce(OPEN_MPI_IN_PLACE, values + start, (int)part, mpi.float_type, mpi.sum, mpi.world);
        if (status != 0) return status;
    }
    return 0;
}

int nk_mpi_broadcast_float(float *values, long count, int root) {
    for (long start = 0; start < count; start += chunk) {
        long part = count - start < chunk ? count - start : chunk;
        int status = mpi.broadcast(values + start, (int)part, mpi.float_type, root, mpi.world);
        if (status != 0) return status;
    }
    return 0;
}

int nk_mpi_barrier(void) { return mpi.barrier(mpi.world); }

void nk_mpi_abort(int code) {
    mpi.abort(mpi.world, code);
    exit(code);
}
