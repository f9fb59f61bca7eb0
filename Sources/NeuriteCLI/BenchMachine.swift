import Foundation
import Neurite

/// The machine line of `neurite bench`: what the figures were measured on, and the fp32 peak the
/// GEMM rows are a percentage of.
struct BenchMachine {
    let cpuModel: String
    /// "cpu MHz" of /proc/cpuinfo. Under a hypervisor (as here) it is the nominal clock, constant
    /// whatever the boost; on bare metal it is the current clock of core 0.
    let megahertz: Double?
    let threads: Int
    let kernel: String
    /// The 1-minute load average: other work on the cores makes every figure lower.
    let load: String

    /// fp32 flops per cycle and core of the kernel family that ran, where known. AVX2+FMA: two
    /// 256-bit FMA units per core (Zen 2/3/4, Haswell and later), each 8 floats × 2 flops
    /// (multiply and add) per cycle. AVX-512: two 512-bit FMA units (Xeon Skylake-SP and later
    /// server parts, as here), 16 floats × 2 flops each; Zen 4 (one 512-bit FMA per cycle, as two
    /// halves) and one-unit Xeons reach half of that, so there the percentage reads low.
    var flopsPerCycle: Double? {
        switch kernel {
        case "avx2+fma": return 32
        case "avx512": return 64
        default: return nil
        }
    }

    static func current() -> BenchMachine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        func field(_ name: String) -> String? {
            for line in cpuinfo.split(separator: "\n") where line.hasPrefix(name) {
                if let colon = line.firstIndex(of: ":") { return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
            }
            return nil
        }
        let loadavg = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return BenchMachine(
            cpuModel: field("model name") ?? "unknown CPU",
            megahertz: field("cpu MHz").flatMap(Double.init),
            threads: KernelInfo.threadCount,
            kernel: KernelInfo.kernelName,
            load: loadavg.split(separator: " ").first.map(String.init) ?? "unknown")
    }

    /// Threads beyond the cores add no arithmetic units.
    var coresUsed: Int { min(threads, ProcessInfo.processInfo.activeProcessorCount) }

    /// The footnote that says how the peak is counted.
    var peakNote: String {
        let cores = "\(coresUsed) core\(coresUsed == 1 ? "" : "s")"
        let clock = "the \"cpu MHz\" of /proc/cpuinfo, which under a hypervisor is the nominal clock, not the boost clock."
        switch kernel {
        case "avx512": return "peak: \(cores) × 64 fp32 flops/cycle (AVX-512: 2 FMA units × 16 floats × 2 flops) × \(clock)"
        case "avx2+fma": return "peak: \(cores) × 32 fp32 flops/cycle (AVX2+FMA: 2 FMA units × 8 floats × 2 flops) × \(clock)"
        default: return "peak: n/a for the \(kernel) kernel."
        }
    }

    /// Theoretical fp32 GFLOPS, when the kernel's flops per cycle and the clock are known.
    var peakGFLOPS: Double? {
        guard let flopsPerCycle, let megahertz else { return nil }
        return Double(coresUsed) * flopsPerCycle * megahertz / 1000
    }

    var summary: String {
        let peak = peakGFLOPS.map {
            String(format: "peak %.1f GFLOPS fp32 = %d core%@ × %.0f flops/cycle × %.0f MHz", $0, coresUsed, coresUsed == 1 ? "" : "s", flopsPerCycle!, megahertz!)
        } ?? "peak n/a (known for the avx512 and avx2+fma kernels only)"
        // A busy core stalls a two-thread GEMM (and OpenBLAS far worse): say so next to the figures.
        let busy = (Double(load) ?? 0) >= 0.5 ? " (other work running: figures are lower bounds; rerun when idle)" : ""
        return "machine: \(cpuModel), \(threads) thread\(threads == 1 ? "" : "s"), kernel \(kernel), \(peak); load average \(load)\(busy)"
    }
}
