import Foundation

/// The largest tensor, model or data file Neurite agrees to allocate for sizes read from outside
/// (file headers, saved metadata, architecture text, command-line options).
///
/// A hostile or damaged header can claim any size; multiplying its dimensions can overflow, and
/// allocating what it claims can exhaust the machine before the data is found missing. Every such
/// size is therefore computed with overflow checks and compared with this limit before anything
/// is allocated: the least of the machine's physical memory, the memory limit of the process's
/// control group (a container's), its `ulimit -v` and `-d`, and the environment variable
/// `NEURITE_MAX_BYTES` (e.g. `NEURITE_MAX_BYTES=2000000000` on a shared machine).
public enum SizeLimit {
    /// The limit in bytes.
    public static let maximumBytes: Int = binding.bytes

    /// What sets ``maximumBytes``, as error messages name it: "physical memory", "the memory
    /// limit of this process's control group", "ulimit -v", "ulimit -d" or "NEURITE_MAX_BYTES".
    public static let limitSource: String = binding.source

    private static let binding: (bytes: Int, source: String) = {
        var candidates: [(bytes: Int, source: String)] = []
        // First, so that it is the one named when it equals another.
        if let text = ProcessInfo.processInfo.environment["NEURITE_MAX_BYTES"], let configured = Int(text), configured > 0 {
            candidates.append((configured, "NEURITE_MAX_BYTES"))
        }
        candidates.append((Int(clamping: ProcessInfo.processInfo.physicalMemory), "physical memory"))
        if let group = ProcessLimits.controlGroupMemory() { candidates.append((group, "the memory limit of this process's control group")) }
        if let space = ProcessLimits.limit(of: .addressSpace) { candidates.append((space, "ulimit -v")) }
        if let data = ProcessLimits.limit(of: .data) { candidates.append((data, "ulimit -d")) }
        return candidates.min { $0.bytes < $1.bytes }!
    }()

    /// The number of elements of `shape`, or `nil` when a dimension is negative or the product
    /// overflows `Int`.
    public static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// Why `shape` of `bytesPerElement`-byte elements cannot be allocated, or `nil` when it can.
    /// The reason states the size and the limit, for error messages.
    public static func problem(shape: [Int], bytesPerElement: Int = MemoryLayout<Float>.size) -> String? {
        guard let count = elementCount(shape) else { return "shape \(shape) has more elements than a 64-bit count can hold" }
        return problem(bytes: count.multipliedReportingOverflow(by: bytesPerElement), what: "shape \(shape)")
    }

    /// Why `floats` single-precision values cannot be allocated, or `nil` when they can; a
    /// `nil` count stands for one that overflowed `Int` on the way.
    static func problem(floats: Int?, what: String) -> String? {
        problem(bytes: floats.map { $0.multipliedReportingOverflow(by: MemoryLayout<Float>.stride) } ?? (0, true), what: what)
    }

    /// Why `bytes` (with its overflow flag) cannot be allocated, or `nil` when it can.
    static func problem(bytes: (partialValue: Int, overflow: Bool), what: String) -> String? {
        if bytes.overflow { return "\(what) needs more bytes than a 64-bit count can hold" }
        guard bytes.partialValue <= maximumBytes else {
            return "\(what) needs \(describe(bytes.partialValue)), more than the limit of \(describe(maximumBytes)) (\(limitSource))"
        }
        return nil
    }

    /// `bytes` in the largest unit that keeps a number ≥ 1, e.g. "3.2 GB".
    public static func describe(_ bytes: Int) -> String {
        let units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(bytes), unit = 0
        while value >= 1000, unit < units.count - 1 { value /= 1000; unit += 1 }
        return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f", value) + " " + units[unit]
    }
}
