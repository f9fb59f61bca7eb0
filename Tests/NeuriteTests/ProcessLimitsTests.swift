import Foundation
import Testing
@testable import Neurite

/// Control-group memory limits read from a tree laid out as /sys/fs/cgroup is, for both versions.
@Suite("Process limits")
struct ProcessLimitsTests {
    /// A folder holding `files` (path → contents).
    static func tree(_ files: [String: String]) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cgroup-\(UUID().uuidString)")
        for (path, contents) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: url)
        }
        return root.path
    }

    @Test func version2TakesTheSmallestLimitOfTheGroupAndItsParents() throws {
        let root = try Self.tree([
            "memory.max": "max\n", "jobs/memory.max": "3000000000\n", "jobs/run/memory.max": "max\n", "other/memory.max": "1000\n",
        ])
        #expect(ProcessLimits.controlGroupMemory(membership: "0::/jobs/run\n", root: root) == 3_000_000_000)
        #expect(ProcessLimits.controlGroupMemory(membership: "0::/\n", root: root) == nil)
        // A container sees its own group as the root: levels not mounted read nothing.
        #expect(ProcessLimits.controlGroupMemory(membership: "0::/docker/abc\n", root: root) == nil)
    }

    @Test func version1ReadsTheMemoryControllerOnly() throws {
        let root = try Self.tree([
            "memory/memory.limit_in_bytes": "9223372036854771712\n", "memory/job/memory.limit_in_bytes": "1499996160\n",
            "cpu/job/memory.limit_in_bytes": "10\n",
        ])
        #expect(ProcessLimits.controlGroupMemory(membership: "8:cpu,cpuacct:/job\n4:memory:/job\n0::/\n", root: root) == 1_499_996_160)
        #expect(ProcessLimits.controlGroupMemory(membership: "4:cpu,memory:/job\n", root: root) == 1_499_996_160)
        // "No limit" is written as a number near 2⁶³.
        #expect(ProcessLimits.controlGroupMemory(membership: "4:memory:/\n", root: root) == nil)
        #expect(ProcessLimits.controlGroupMemory(membership: nil, root: root) == nil)
        #expect(ProcessLimits.controlGroupMemory(membership: "garbage", root: root) == nil)
    }

    /// The limit in force is named with what sets it.
    @Test func theSizeLimitNamesItsSource() {
        #expect(["physical memory", "the memory limit of this process's control group", "ulimit -v", "ulimit -d", "NEURITE_MAX_BYTES"]
            .contains(SizeLimit.limitSource))
        #expect(SizeLimit.maximumBytes <= Int(clamping: ProcessInfo.processInfo.physicalMemory))
    }
}
