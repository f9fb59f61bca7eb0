import Foundation

/// The limits on what this process may allocate or write, besides the machine's memory: its
/// control group's memory limit (a container's `--memory`, a systemd `MemoryMax`) and its
/// resource limits (`ulimit -v`, `-d`, `-f`). A process over its cgroup's limit is killed
/// (SIGKILL from the kernel's OOM killer) rather than refused an allocation, so sizes from
/// outside must be checked against it before anything is allocated: in a cgroup of 1.5 GB on this
/// 25 GB machine, `train mnist --hidden 300000` (2.9 GB of weights, gradients and momentum) was
/// accepted and then killed.
enum ProcessLimits {
    /// The smallest memory limit of the control groups this process is in (cgroup v2's
    /// `memory.max`, or v1's `memory.limit_in_bytes`, of its group and every group above it), or
    /// `nil` when none is set or they cannot be read (macOS, no /sys/fs/cgroup).
    /// - Parameters:
    ///   - membership: the text of `/proc/self/cgroup` (tests give their own).
    ///   - root: where the cgroup file systems are mounted.
    static func controlGroupMemory(
        membership: String? = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8), root: String = "/sys/fs/cgroup"
    ) -> Int? {
        guard let membership else { return nil }
        var limits: [Int] = []
        for line in membership.split(separator: "\n") {
            // "0::/path" (v2, one hierarchy) or "4:memory:/path" (v1, the memory controller's).
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            if fields[1].isEmpty {
                limits += limitsAlong(String(fields[2]), root: root, file: "memory.max")
            } else if fields[1].split(separator: ",").contains("memory") {
                limits += limitsAlong(String(fields[2]), root: root + "/memory", file: "memory.limit_in_bytes")
            }
        }
        return limits.min()
    }

    /// The limits in `file` of the group at `path` under `root` and of each group above it. A
    /// group's path outside the mounted tree (a container sees its own group as its root) reads
    /// nothing for the levels that are missing. v1 writes "no limit" as a number near 2⁶³ and v2
    /// as "max"; both fail the parse or the sanity bound below.
    private static func limitsAlong(_ path: String, root: String, file: String) -> [Int] {
        var components = path.split(separator: "/").map(String.init)
        var limits: [Int] = []
        while true {
            let folder = ([root] + components).joined(separator: "/")
            if let text = try? String(contentsOfFile: folder + "/" + file, encoding: .utf8),
               let bytes = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes > 0, bytes < Int.max / 2 {
                limits.append(bytes)
            }
            guard !components.isEmpty else { return limits }
            components.removeLast()
        }
    }

    /// A resource limit of this process, in bytes.
    enum Resource {
        /// `ulimit -v`: the address space, which every allocation takes from.
        case addressSpace
        /// `ulimit -d`: the data segment (on Linux since 4.7, every private mapping too).
        case data
        /// `ulimit -f`: the largest file the process may write.
        case fileSize
    }

    /// The soft limit of `resource` in bytes, or `nil` when there is none.
    static func limit(of resource: Resource) -> Int? {
        var limit = rlimit()
        #if os(Linux)
        let code: __rlimit_resource
        switch resource {
        case .addressSpace: code = RLIMIT_AS
        case .data: code = RLIMIT_DATA
        case .fileSize: code = RLIMIT_FSIZE
        }
        guard getrlimit(__rlimit_resource_t(code.rawValue), &limit) == 0 else { return nil }
        #else
        let code: Int32
        switch resource {
        case .addressSpace: code = RLIMIT_AS
        case .data: code = RLIMIT_DATA
        case .fileSize: code = RLIMIT_FSIZE
        }
        guard getrlimit(code, &limit) == 0 else { return nil }
        #endif
        // RLIM_INFINITY is ~0 on Linux and 2⁶³−1 on macOS (a macro Swift does not import).
        return limit.rlim_cur >= rlim_t(Int64.max) ? nil : Int(limit.rlim_cur)
    }
}
