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
/// joins a job does. MPI's default error handler ends the whole job when a collective fails, and
/// a rank that dies makes `mpirun` end the others.
public final class Communicator: Sendable {
    /// This process's number, 0 ..< `size`; rank 0 prints and saves.
    public let rank: Int
    /// The number of processes.
    public let size: Int
    private let usesMPI: Bool

    private init(rank: Int, size: Int, usesMPI: Bool) {
        self.rank = rank
        self.size = size
        self.usesMPI = usesMPI
    }

    /// One process alone: rank 0 of 1; training with it is training without one.
    public static let singleProcess = Communicator(rank: 0, size: 1, usesMPI: false)

    /// The job `mpirun` started (`MPI_COMM_WORLD`) when `OMPI_COMM_WORLD_SIZE` is set, else
    /// ``singleProcess``. MPI_Init runs on the first call; MPI_Finalize at exit.
    /// - Throws: ``CommunicatorError`` when started by `mpirun` but Open MPI cannot be loaded.
    public static func fromEnvironment() throws -> Communicator {
        guard ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"] != nil else { return singleProcess }
        var message = [CChar](repeating: 0, count: 512)
        guard nk_mpi_load(&message, Int(message.count)) == 0 else {
            throw CommunicatorError(description: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return Communicator(rank: Int(nk_mpi_rank()), size: Int(nk_mpi_size()), usesMPI: true)
    }

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

    private func check(_ status: Int32, _ operation: String) throws {
        guard status == 0 else { throw CommunicatorError(description: "MPI \(operation) failed on rank \(rank) with code \(status)") }
    }
}

/// A collective operation of a distributed run failed, or MPI could not be loaded.
public struct CommunicatorError: Error, CustomStringConvertible {
    /// What failed, for people.
    public let description: String
}
