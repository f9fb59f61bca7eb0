import Foundation

/// How steady the machine itself is while `neurite bench` runs, measured without any of Neurite:
/// one thread re-reads a 1 MiB buffer (it stays in the core's L2) in 50 ms slices. On bare metal
/// every slice reads at about the same rate; under a hypervisor whose other guests share the
/// cores' caches and clocks, slices differ by 2× (measured on this project's 2-core VM: 31–78 GB/s
/// with a dip about every second). A workload row whose processes differ by as much is the host,
/// not the code, and a median cannot be steadier than the slices are.
struct HostProbe {
    let gigabytesPerSecond: [Double]

    static func measure(slices: Int = 20, sliceSeconds: Double = 0.05) -> HostProbe {
        let count = 1 << 18  // 1 MiB of Float
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        defer { buffer.deallocate() }
        for index in buffer.indices { buffer[index] = Float(index & 255) }
        var rates: [Double] = []
        var sink: Float = 0
        for _ in 0..<slices {
            let started = ContinuousClock.now
            var bytes = 0.0, elapsed = 0.0
            while elapsed < sliceSeconds {
                // One load per 64-byte line, four independent sums: the loads, not the adds, set the pace.
                var sums = SIMD4<Float>()
                var index = 0
                while index < count {
                    sums += SIMD4(buffer[index], buffer[index + 16], buffer[index + 32], buffer[index + 48])
                    index += 64
                }
                sink += sums.sum()
                bytes += Double(count * MemoryLayout<Float>.stride)
                elapsed = (ContinuousClock.now - started).seconds
            }
            rates.append(bytes / elapsed / 1e9)
        }
        if sink.isNaN { print("") }  // keeps the reads
        return HostProbe(gigabytesPerSecond: rates)
    }

    var summary: String {
        let sorted = gigabytesPerSecond.sorted()
        guard let low = sorted.first, let high = sorted.last, let middle = median(sorted) else { return "host probe: no figure" }
        return "host probe (1 MiB read, \(sorted.count) × 50 ms, no Neurite code): min \(format(low, decimals: 0)), "
            + "median \(format(middle, decimals: 0)), max \(format(high, decimals: 0)) GB/s; min/max \(format(100 * low / high, decimals: 0))%"
    }
}
