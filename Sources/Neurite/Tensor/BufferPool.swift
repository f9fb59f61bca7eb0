import Foundation
import Synchronization

/// Recycles tensor buffers by exact size.
///
/// A training step allocates the same set of intermediate tensors every time (activations,
/// gradients, packed copies). Handing freed buffers back to the next request of the same size
/// makes a steady-state step allocation-free after the first one, without the layers having to
/// manage memory themselves. Buffers above `largestPooledCount` go straight back to the system:
/// they are rare and pooling them would pin a lot of memory.
final class BufferPool: Sendable {
    static let shared = BufferPool()

    private static let alignment = 64
    private static let largestPooledCount = 1 << 24
    private static let buffersPerSize = 16

    // Addresses rather than pointers: pointers are not Sendable, and the mutex needs Sendable state.
    private let free = Mutex<[Int: [UInt]]>([:])
    private let counters = Mutex<(system: Int, reused: Int)>((0, 0))

    func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count <= Self.largestPooledCount,
           let address = free.withLock({ $0[count]?.popLast() }) {
            counters.withLock { $0.reused += 1 }
            return UnsafeMutablePointer(bitPattern: address)!
        }
        counters.withLock { $0.system += 1 }
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: Self.alignment)
        return raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    func give(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
        if count <= Self.largestPooledCount {
            let address = UInt(bitPattern: pointer)
            let kept = free.withLock { free -> Bool in
                if free[count, default: []].count < Self.buffersPerSize {
                    free[count, default: []].append(address)
                    return true
                }
                return false
            }
            if kept { return }
        }
        pointer.deallocate()
    }

    /// How many buffers came from the system allocator and how many were recycled, since start.
    /// Benchmarks read this to report allocations per training step.
    var statistics: (systemAllocations: Int, reused: Int) {
        counters.withLock { ($0.system, $0.reused) }
    }
}
