import Foundation
import Neurite

/// Another framework running Neurite's workloads in the same run: `scripts/peer_bench.py` in a
/// Python child process that stays up, so that each row is measured by Neurite and at once by the
/// peer, both under the same load.
final class PeerBenchmark {
    /// The frameworks `--against` accepts, by their command-line names.
    enum Name: String, CaseIterable {
        case pytorch, jax

        var displayName: String { self == .pytorch ? "PyTorch" : "JAX" }
    }

    let name: Name
    /// e.g. "PyTorch 2.15.0", as the peer reports it.
    let version: String
    /// The threads the peer computes with (torch.set_num_threads; for JAX, the CPUs it may run on).
    let threads: Int
    private let child: JSONLineChild

    /// Starts the peer's script and reads its greeting.
    /// - Throws: ``JSONLineChild/Unavailable`` with the reason (not installed, script not found).
    init(_ name: Name, python: PythonInterpreter, threads: Int) throws {
        self.name = name
        child = try python.start(["serve", "--peer", name.rawValue, "--threads", String(threads)], threads: threads)
        let greeting = try child.readReply()
        if let failure = greeting["error"] as? String { throw JSONLineChild.Unavailable(reason: failure) }
        version = greeting["version"] as? String ?? name.displayName
        self.threads = greeting["threads"] as? Int ?? threads
    }

    /// The peer's samples/s for `workload` by the rule of `bestSecondsPerCall`; nil for a row the
    /// peer does not run.
    func samplesPerSecond(_ workload: Workload, minimumSeconds: Double) throws -> Double? {
        try child.send("\(workload.id) \(minimumSeconds)")
        return try child.readReply()["samples_per_second"] as? Double
    }
}

/// The Python that runs the peers: `--python`, else `NEURITE_PYTHON`, else `python3` on the PATH,
/// with the `scripts/` folder (`peer_bench.py`, `bench_recurrent.py`) of the source tree this
/// build came from.
struct PythonInterpreter {
    let executable: String
    /// The `scripts/` folder that holds `peer_bench.py`.
    let scripts: URL

    /// - Throws: ``JSONLineChild/Unavailable`` when the script cannot be found.
    init(path: String?) throws {
        executable = path ?? ProcessInfo.processInfo.environment["NEURITE_PYTHON"] ?? "python3"
        // The binary lives in <root>/.build/<configuration>/; the command may also run from the root.
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
            + (0..<5).map { level in (0..<level).reduce(binary) { url, _ in url.deletingLastPathComponent() } }
        guard let found = candidates.map({ $0.appendingPathComponent("scripts") })
            .first(where: { FileManager.default.fileExists(atPath: $0.appendingPathComponent("peer_bench.py").path) })
        else { throw JSONLineChild.Unavailable(reason: "scripts/peer_bench.py not found (run from the source tree)") }
        scripts = found
    }

    /// A script of `scripts/` (`peer_bench.py` unless named) in a child with `arguments`, BLAS and
    /// OpenMP held to `threads` like Neurite.
    func start(_ arguments: [String], threads: Int, script name: String = "peer_bench.py") throws -> JSONLineChild {
        let path = scripts.appendingPathComponent(name).path
        var environment = ProcessInfo.processInfo.environment
        for variable in ["OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"] { environment[variable] = String(threads) }
        let isPath = executable.contains("/")
        return try JSONLineChild(
            executable: isPath ? executable : "/usr/bin/env",
            arguments: (isPath ? [] : [executable]) + [path] + arguments, environment: environment)
    }
}
