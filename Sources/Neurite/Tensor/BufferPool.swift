import Foundation

/// Recycles tensor buffers by exact size.
///
/// A training step allocates the same set of intermediate tensors every time (activations,
/// gradients, packed copies). Handing freed buffers back to the next request of the same size
/// makes a steady-state step free of buffer allocations after the first one, without the layers
/// managing memory themselves. Buffers above `largestPooledCount` go straight back to the
/// system: they are rare, and pooling them would pin a lot of memory. For the same reason the
/// pool as a whole keeps at most `largestPooledTotal` floats (256 MiB); beyond that, freed buffers
/// are released.
final class BufferPool: @unchecked Sendable {
    static let shared = BufferPool()

    private static let alignment = 64
    private static let largestPooledCount = 1 << 24
    private static let buffersPerSize = 16
    private static let largestPooledTotal = 1 << 26
    /// Free lists of buffers up to this many floats are found by indexing, larger ones by hashing.
    private static let largestIndexedCount = 4096

    /// The free buffers of one size above `largestIndexedCount`. A class, so that taking and giving
    /// mutate it through a dictionary read: mutating an array stored in the dictionary goes through
    /// the dictionary's `_modify` accessor, whose coroutine frame costs a `malloc` on every call.
    private final class FreeList {
        var addresses: [UInt] = []
    }

    private struct State {
        /// Free buffers by count, for counts up to `largestIndexedCount`: a batch-1 inference call
        /// takes and gives back a handful of small buffers, and hashing their counts cost as much
        /// as the rest of the pool's work. For larger buffers the hash is noise next to the work.
        var indexed = [[UInt]](repeating: [], count: largestIndexedCount + 1)
        var hashed: [Int: FreeList] = [:]
        var pooledTotal = 0
        var systemAllocations = 0
        var reused = 0

        mutating func withFreeList<R>(_ count: Int, _ body: (inout [UInt]) -> R) -> R {
            if count <= largestIndexedCount { return body(&indexed[count]) }
            if let list = hashed[count] { return body(&list.addresses) }
            let list = FreeList()
            hashed[count] = list
            return body(&list.addresses)
        }
    }

    // NSLock rather than Synchronization's Mutex, which needs macOS 15; every access to `state`
    // goes through `withLock`, which is what makes the class safe to share (@unchecked Sendable).
    // The state lives behind a pointer, not in a stored `var`: Swift checks each access to a class's
    // stored `var` for exclusivity at run time (a thread-local lookup), twice per tensor, while the
    // lock already makes the accesses exclusive.
    private let lock = NSLock()
    private let state: UnsafeMutablePointer<State>

    init() {
        state = .allocate(capacity: 1)
        state.initialize(to: State())
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
    }

    private func withLock<R>(_ body: (inout State) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&state.pointee)
    }

    func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        let recycled: UInt? = withLock { state in
            guard count <= Self.largestPooledCount, let address = state.withFreeList(count, { $0.popLast() }) else {
                state.systemAllocations += 1
                return nil
            }
            state.reused += 1
            state.pooledTotal -= count
            return address
        }
        if let recycled { return UnsafeMutablePointer(bitPattern: recycled)! }
        let capacity = max(count, 1)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: capacity * MemoryLayout<Float>.stride, alignment: Self.alignment)
        return raw.bindMemory(to: Float.self, capacity: capacity)
    }

    func give(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
        let address = UInt(bitPattern: pointer)
        let kept = count <= Self.largestPooledCount && withLock { state in
            guard state.pooledTotal + count <= Self.largestPooledTotal else { return false }
            let kept = state.withFreeList(count) { free in
                guard free.count < Self.buffersPerSize else { return false }
                free.append(address)
                return true
            }
            if kept { state.pooledTotal += count }
            return kept
        }
        if !kept { pointer.deallocate() }
    }

    /// How many buffers came from the system allocator and how many were recycled, since start.
    /// Benchmarks read this to report allocations per training step.
    var statistics: (systemAllocations: Int, reused: Int) {
        withLock { ($0.systemAllocations, $0.reused) }
    }
}
