import Foundation
import Neurite

/// How a training command runs when `mpirun` started it: one process per rank, each training on
/// its shard of every batch (see `Layer.fit`'s `communicator`).
enum DistributedRun {
    /// Joins the MPI job when `OMPI_COMM_WORLD_SIZE` is set. With more than one rank: the kernel
    /// threads per rank are set so that ranks × threads ≤ cores (unless `NEURITE_THREADS` says
    /// otherwise), rank 0 prints `ranks N` first, and the other ranks' standard output is
    /// discarded, so that the log is rank 0's alone (errors still reach standard error).
    static func begin() throws -> Communicator {
        let communicator = try Communicator.fromEnvironment()
        guard communicator.size > 1 else { return communicator }
        if ProcessInfo.processInfo.environment["NEURITE_THREADS"] == nil {
            KernelInfo.threadCount = max(1, ProcessInfo.processInfo.processorCount / communicator.size)
        }
        if communicator.isLeader {
            print("ranks \(communicator.size)  (\(KernelInfo.threadCount) kernel threads per rank)")
        } else {
            let empty = open("/dev/null", O_WRONLY)
            if empty >= 0 { dup2(empty, STDOUT_FILENO) }
        }
        return communicator
    }

    /// Runs `body`; with more than one rank, an error ends the whole job (MPI_Abort) with this
    /// rank's message, so that the other ranks do not wait for it in the next allreduce.
    static func run(on communicator: Communicator, _ body: () throws -> Void) throws {
        guard communicator.size > 1 else { return try body() }
        do { try body() } catch {
            FileHandle.standardError.write(Data("error: rank \(communicator.rank) of \(communicator.size): \(error)\n".utf8))
            communicator.abort(code: 1)
        }
    }
}
