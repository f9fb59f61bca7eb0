/*
 * Open MPI, loaded at run time with dlopen/dlsym, so that nothing in the package links against
 * libmpi: a user without MPI builds and tests everything, and `mpirun` finds the library that
 * its own installation provides. Open MPI's handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM) are the
 * addresses of exported globals (ompi_mpi_comm_world, ompi_mpi_float, ompi_mpi_op_sum), and
 * MPI_IN_PLACE is the constant (void *)1 in its ABI, so no header of MPI is needed either.
 */
#ifndef NEURITE_MPI_LOADER_H
#define NEURITE_MPI_LOADER_H

#ifdef __cplusplus
extern "C" {
#endif

/// Loads libmpi.so.40 (Open MPI 4.x, or the path in NEURITE_MPI_LIBRARY), calls MPI_Init and
/// registers MPI_Finalize to run at exit. Returns 0 on success; otherwise writes the reason,
/// NUL-terminated, into error (capacity bytes) and returns -1. Calling it again after success
/// does nothing and returns 0.
int nk_mpi_load(char *error, long capacity);

/// This process's rank in MPI_COMM_WORLD (after nk_mpi_load).
int nk_mpi_rank(void);

/// The number of processes in MPI_COMM_WORLD (after nk_mpi_load).
int nk_mpi_size(void);

/// Sums count floats across all ranks, in place; every rank gets the sum. Returns MPI's code.
int nk_mpi_allreduce_sum_float(float *values, long count);

/// Copies count floats from root's buffer into every rank's. Returns MPI's code.
int nk_mpi_broadcast_float(float *values, long count, int root);

/// Starts summing count (at most INT_MAX) floats in place across ranks and returns at once
/// (MPI_Iallreduce); the buffer must stay untouched until nk_mpi_wait on *request returns.
/// Returns MPI's code, or -1 for a count too large.
int nk_mpi_start_allreduce_sum_float(float *values, long count, void **request);

/// Waits for an operation started by nk_mpi_start_allreduce_sum_float (MPI_Wait). Returns MPI's code.
int nk_mpi_wait(void **request);

/// Whether a started operation has completed (MPI_Test: *done 1, and *request is then freed), without
/// waiting. Open MPI moves nonblocking collectives forward only inside MPI calls, so calling this
/// now and then during computation is what lets a started allreduce travel meanwhile.
int nk_mpi_test(void **request, int *done);

/// Returns when every rank has called it. Returns MPI's code.
int nk_mpi_barrier(void);

/// Ends this process (exit code 124, which makes mpirun end the job) when a blocking call above
/// (collective or wait) has not returned after seconds, with a message on standard error naming
/// the rank; 0 or less: no limit. A watchdog thread checks five times a second. Returns 0, or -1
/// when the thread cannot be started.
int nk_mpi_set_collective_timeout(double seconds);

/// The total time, in seconds, this process has spent inside the blocking calls above.
double nk_mpi_seconds_waiting(void);

/// Ends every process of the job with code (MPI_Abort on MPI_COMM_WORLD); does not return.
void nk_mpi_abort(int code);

#ifdef __cplusplus
}
#endif

#endif
