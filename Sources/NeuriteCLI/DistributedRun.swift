import Foundation
import Neurite

/// How a training command runs when `mpirun` started it: one process per rank, each training on
/// its shard of every batch (see `Layer.fit`'s `communicator`).
enum DistributedRun {
    /// Joins the MPI job when `OMPI_COMM_WORLD_SIZE` is set. With more than one rank: the kernel
    /// threads per rank are set so that ranks × threads ≤ cores (unless `NEURITE_THREADS` says
    /// otherwise), rank 0 prints `ranks N` first, and the other ranks' standard output is
    /// discarded, so that the log is rank 0's alone (errors still reach standard error).
    static func begin(_ options: DistributedOptions) throws -> Communicator {
        let communicator = try Communicator.fromEnvironment(collectiveTimeout: options.collectiveTimeout, bucketCapacity: options.bucketKb << 10)
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

    /// With more than one rank, prints how long this rank waited in collective operations over
    /// the steps `counter` saw: the communication the computation did not hide, plus waiting for
    /// slower ranks.
    static func reportCommunication(of communicator: Communicator, _ counter: StepCounter) {
        guard communicator.size > 1 else { return }
        let seconds = communicator.secondsInCollectives
        print(String(format: "communication: %.2f s waiting in collectives, %.3f ms per step (%ld steps)",
                     seconds, 1000 * seconds / Double(max(counter.steps, 1)), counter.steps))
    }

    /// Counts training steps, for ``reportCommunication(of:_:)``.
    final class StepCounter: TrainingCallback {
        private(set) var steps = 0
        func batchEnded(samplesDone: Int, run: TrainingRun) { steps += 1 }
    }

    /// Runs `body`; with more than one rank, an error ends the whole job (MPI_Abort) with this
    /// rank's message, so that the other ranks do not wait for it in the next allreduce.
    static func run(on communicator: Communicator, _ body: () throws -> Void) throws {
        guard communicator.size > 1 else { return try body() }
        do { try body() } catch {
            StandardStreams.printError("error: rank \(communicator.rank) of \(communicator.size): \(error)\n")
            communicator.abort(code: 1)
        }
    }
}
