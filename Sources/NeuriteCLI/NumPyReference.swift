import Foundation

/// NumPy's GEMM speed on the same shapes, measured in the same run by a `python3` child process,
/// so that the comparison is against this machine as it is loaded now, not a number from elsewhere.
///
/// The child stays up and measures one shape per request, right after Neurite measured it: on a
/// machine shared with other work, the two figures of a row then see the same load.
final class NumPyReference {
    /// e.g. "numpy 2.4.6, scipy-openblas 0.3.31".
    private(set) var version = "numpy"
    /// The `removedVariables` that were set ("NAME=value"), and so were taken out for the child.
    let removed: [String]

    /// Variables that pin OpenBLAS to a core type or cache size. This machine's environment can set
    /// them for other tools; with them OpenBLAS picks slower kernels than it detects by itself,
    /// which would flatter Neurite.
    static let removedVariables = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"]

    struct Unavailable: Error { let reason: String }

    private let process = Process()
    private let requests = Pipe(), replies = Pipe(), errors = Pipe()
    private var pending = Data()

    /// Starts python3 and imports numpy; throws ``Unavailable`` with the reason when either is missing.
    init(threads: Int, minimumSeconds: Double) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, String(minimumSeconds)]
        var environment = ProcessInfo.processInfo.environment
        removed = Self.removedVariables.compactMap { name in environment.removeValue(forKey: name).map { "\(name)=\($0)" } }
        // The same thread count as Neurite's GEMM, so that --threads compares like with like.
        environment["OPENBLAS_NUM_THREADS"] = String(threads)
        environment["OMP_NUM_THREADS"] = String(threads)
        process.environment = environment
        process.standardInput = requests
        process.standardOutput = replies
        process.standardError = errors
        // A child that died must make the next request throw EPIPE, not kill this process.
        signal(SIGPIPE, SIG_IGN)
        do { try process.run() } catch { throw Unavailable(reason: "python3 could not be started: \(error.localizedDescription)") }

        let greeting = try readReply()
        if let failure = greeting["error"] as? String { throw Unavailable(reason: "python3 has no numpy (\(failure))") }
        version = greeting["version"] as? String ?? version
    }

    deinit {
        try? requests.fileHandleForWriting.close()  // end of input: the child's loop ends
        if process.isRunning { process.waitUntilExit() }
    }

    /// NumPy's GFLOPS for `shape`, by the rule of `bestSecondsPerCall`.
    func gflops(_ shape: GEMMShape) throws -> Double {
        let request = "\(shape.m) \(shape.n) \(shape.k) \(shape.transposeA ? 1 : 0) \(shape.transposeB ? 1 : 0)\n"
        try requests.fileHandleForWriting.write(contentsOf: Data(request.utf8))
        guard let gflops = try readReply()["gflops"] as? Double else { throw Unavailable(reason: "the numpy script answered no figure") }
        return gflops
    }

    /// One JSON line from the child; at end of output, the child's last error line as the reason.
    private func readReply() throws -> [String: Any] {
        while !pending.contains(UInt8(ascii: "\n")) {
            let chunk = replies.fileHandleForReading.availableData
            if chunk.isEmpty {
                process.waitUntilExit()
                let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                let lastLine = message.split(separator: "\n").last.map(String.init) ?? "exit status \(process.terminationStatus)"
                throw Unavailable(reason: process.terminationStatus == 127 ? "python3 is not installed" : "the numpy script failed: \(lastLine)")
            }
            pending.append(chunk)
        }
        let newline = pending.firstIndex(of: UInt8(ascii: "\n"))!
        let line = pending[pending.startIndex..<newline]
        pending = Data(pending[pending.index(after: newline)...])
        guard let reply = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else {
            throw Unavailable(reason: "the numpy script printed \(String(decoding: line, as: UTF8.self))")
        }
        return reply
    }

    /// The timing rule of `bestSecondsPerCall`, in Python. `matmul(..., out=c)` on `.T` views
    /// passes the transposes to BLAS without copying, as Neurite's kernel does.
    private static let script = """
        import json, sys, time
        def reply(message):
            print(json.dumps(message), flush=True)
        try:
            import numpy as np
        except ImportError as error:
            reply({"error": str(error)})
            sys.exit(0)
        minimum_seconds = float(sys.argv[1])
        rng = np.random.default_rng(1)
        def best_seconds(call):
            call()
            start = time.perf_counter(); call(); one = max(time.perf_counter() - start, 1e-9)
            per_batch = max(1, int(0.01 / one))
            best, total, batches = float("inf"), 0.0, 0
            while total < minimum_seconds or batches < 3:
                start = time.perf_counter()
                for _ in range(per_batch):
                    call()
                elapsed = time.perf_counter() - start
                best, total, batches = min(best, elapsed / per_batch), total + elapsed, batches + 1
            return best
        blas = ""
        try:
            info = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
            blas = ", " + info["name"] + " " + info["version"]
        except Exception:
            pass
        def wait_until_idle():
            # OpenBLAS's threads spin for about 0.1 s after the last product (its THREAD_TIMEOUT)
            # before they sleep: a core taken from the Neurite figure measured next. Wait until
            # the process uses no CPU (all threads: process_time), at most 1 s.
            deadline, last = time.perf_counter() + 1.0, time.process_time()
            while time.perf_counter() < deadline:
                time.sleep(0.01)
                now = time.process_time()
                if now - last < 0.001:
                    return
                last = now
        reply({"version": "numpy " + np.__version__ + blas})
        for line in iter(sys.stdin.readline, ""):
            m, n, k, ta, tb = map(int, line.split())
            a = rng.uniform(-1, 1, (k, m) if ta else (m, k)).astype(np.float32)
            b = rng.uniform(-1, 1, (n, k) if tb else (k, n)).astype(np.float32)
            left, right = (a.T if ta else a), (b.T if tb else b)
            c = np.empty((m, n), dtype=np.float32)
            gflops = 2 * m * n * k / best_seconds(lambda: np.matmul(left, right, out=c)) / 1e9
            wait_until_idle()
            reply({"gflops": gflops})
        """
}
