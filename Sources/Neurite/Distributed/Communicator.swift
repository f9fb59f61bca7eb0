import CNeuriteKernels
import Foundation

/// The processes that train one model together, data-parallel: each holds the whole model,
/// trains on its own part of every batch, and the processes agree on the update through
/// collective operations, which every rank calls in the same order.
///
/// ```swift
/// let communicator = try Communicator.fromEnvironment()  // MPI under mpirun, else one process
/// try model.fit(data, loss: .crossEntropy, optimizer: Adam(), epochs: 5, batchSize: 64,
///               communicator: communicator)
/// ```
///
/// ``singleProcess`` (the default of `fit`) is rank 0 of 1, every operation a no-op. The MPI
/// one loads Open MPI at run time (dlopen of `libmpi.so.40`, or the path in
/// `NEURITE_MPI_LIBRARY`), so building and testing Neurite needs no MPI; only a process that
/// joins a job does.
///
/// Faults end the whole job rather than hang it: MPI's default error handler ends it when a
/// collective fails, a rank that dies makes `mpirun` end the others, and a rank that waits in
/// a collective longer than the collective timeout (a peer that hangs) exits with a message
/// naming itself, which makes `mpirun` end the others.
public final class Communicator: Sendable {
    /// This process's number, 0 ..< `size`; rank 0 prints and saves.
    public let rank: Int
    /// The number of processes.
    public let size: Int
    /// The size in bytes of the buckets in which training averages gradients during the
    /// backward pass: small enough that the last layers' buckets start early, large enough that
    /// each allreduce costs mostly bandwidth rather than its fixed latency. PyTorch takes 25 MB;
    /// the default, 4 MB, suits the smaller models here (the MNIST MLP's 407 KB are one bucket).
    public let bucketCapacity: Int
    private let usesMPI: Bool

    private init(rank: Int, size: Int, usesMPI: Bool, bucketCapacity: Int = 4 << 20) {
        self.rank = rank
        self.size = size
        self.usesMPI = usesMPI
        self.bucketCapacity = bucketCapacity
    }

    /// One process alone: rank 0 of 1; training with it is training without one.
    public static let singleProcess = Communicator(rank: 0, size: 1, usesMPI: false)

    /// The job `mpirun` started (`MPI_COMM_WORLD`) when `OMPI_COMM_WORLD_SIZE` is set, else
    /// ``singleProcess``. MPI_Init runs on the first call; MPI_Finalize at exit.
    /// - Parameter collectiveTimeout: how long, in seconds, a collective operation may wait for
    ///   the other ranks before this process ends the job (0: forever). It must exceed the
    ///   longest stretch one rank works alone between collectives (rank 0 measuring the test
    ///   set or saving a checkpoint while the others wait in the next step).
    /// - Parameter bucketCapacity: see ``bucketCapacity``.
    /// - Throws: ``CommunicatorError`` when started by `mpirun` but Open MPI cannot be loaded.
    public static func fromEnvironment(collectiveTimeout: Double = 300, bucketCapacity: Int = 4 << 20) throws -> Communicator {
        guard ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"] != nil else { return singleProcess }
        var message = [CChar](repeating: 0, count: 512)
        guard nk_mpi_load(&message, Int(message.count)) == 0 else {
            throw CommunicatorError(description: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        guard nk_mpi_set_collective_timeout(collectiveTimeout) == 0 else {
            throw CommunicatorError(description: "cannot start the thread that watches the collective timeout")
        }
        return Communicator(rank: Int(nk_mpi_rank()), size: Int(nk_mpi_size()), usesMPI: true, bucketCapacity: bucketCapacity)
    }

    /// The total time this process has spent waiting in collective operations: the
    /// communication that computation did not hide, for benchmarks. 0 for ``singleProcess``.
    public var secondsInCollectives: Double { usesMPI ? nk_mpi_seconds_waiting() : 0 }

    /// Whether this process is rank 0, the one that prints and saves.
    public var isLeader: Bool { rank == 0 }

    /// Replaces `values` on every rank by their element-wise sum over all ranks.
    /// - Throws: ``CommunicatorError`` when MPI reports a failure.
    public func allReduceSum(_ values: inout [Float]) throws {
        guard usesMPI else { return }
        let count = values.count
        try check(values.withUnsafeMutableBufferPointer { nk_mpi_allreduce_sum_float($0.baseAddress, count) }, "allreduce")
    }

    /// Replaces `values` on every rank by their element-wise mean over all ranks.
    /// - Throws: ``CommunicatorError`` when MPI reports a failure.
    public func allReduceMean(_ values: inout [Float]) throws {
        guard size > 1 else { return }
        try allReduceSum(&values)
        let scale = 1 / Float(size)
        for index in values.indices { values[index] *= scale }
    }

    /// Replaces `values` on every rank by rank `root`'s; every rank passes the same count.
    /// - Throws: ``CommunicatorError`` for a root that is not a rank, or when MPI fails.
    public func broadcast(_ values: inout [Float], from root: Int) throws {
        guard (0..<size).contains(root) else { throw CommunicatorError(description: "broadcast from rank \(root) of \(size)") }
        guard usesMPI else { return }
        let count = values.count
        try check(values.withUnsafeMutableBufferPointer { nk_mpi_broadcast_float($0.baseAddress, count, Int32(root)) }, "broadcast")
    }

    /// Starts summing `count` floats at `values` across ranks, in place, and returns at once;
    /// the memory must stay allocated and untouched until ``wait(for:)`` returns.
    func startAllReduceSum(_ values: UnsafeMutablePointer<Float>, count: Int) throws -> PendingOperation {
        var request: UnsafeMutableRawPointer?
        guard usesMPI else { return PendingOperation(request: nil) }
        try check(nk_mpi_start_allreduce_sum_float(values, count, &request), "allreduce")
        return PendingOperation(request: request)
    }

    /// Waits for an operation ``startAllReduceSum(_:count:)`` started.
    func wait(for operation: PendingOperation) throws {
        guard usesMPI, operation.request != nil else { return }
        try check(nk_mpi_wait(&operation.request), "wait")
    }

    /// Lets a started operation move forward without waiting for it: Open MPI advances
    /// nonblocking collectives only inside MPI calls, so training calls this during the backward
    /// pass. Once the operation is complete its request is released and ``wait(for:)`` returns at once.
    func progress(_ operation: PendingOperation) throws {
        guard usesMPI, operation.request != nil else { return }
        var done: Int32 = 0
        try check(nk_mpi_test(&operation.request, &done), "test")
    }

    /// A started, nonblocking operation (an MPI request; null once complete).
    final class PendingOperation {
        fileprivate var request: UnsafeMutableRawPointer?
        fileprivate init(request: UnsafeMutableRawPointer?) { self.request = request }
    }

    /// Returns when every rank has called it.
    /// - Throws: ``CommunicatorError`` when MPI fails.
    public func barrier() throws {
        guard usesMPI else { return }
        try check(nk_mpi_barrier(), "barrier")
    }

    /// Ends every process of the job with `code` (MPI_Abort): what a rank does on a fatal error,
    /// so that the others do not wait forever in their next collective operation.
    public func abort(code: Int32) -> Never {
        if usesMPI { nk_mpi_abort(code) }
        exit(code)
    }

    /// Prints `message` naming this rank to standard error and ends the job (``abort(code:)``):
    /// for failures where throwing is impossible (inside a backward pass).
    func fail(_ message: String) -> Never {
        // write(2), not FileHandle.write, which stops the process when standard error is unwritable.
        _ = "error: rank \(rank) of \(size): \(message)\n".withCString { write(STDERR_FILENO, $0, strlen($0)) }
        abort(code: 1)
    }

    private func check(_ status: Int32, _ operation: String) throws {
        guard status == 0 else { throw CommunicatorError(description: "MPI \(operation) failed on rank \(rank) with code \(status)") }
    }
}

/// A collective operation of a distributed run failed, or MPI could not be loaded.
public struct CommunicatorError: Error, CustomStringConvertible {
    /// What failed, for people.
    public let description: String
}
