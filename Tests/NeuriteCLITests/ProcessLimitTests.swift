import Foundation
import Testing

/// The real executable under the shell's resource limits (`ulimit`), which the test process must
/// not set on itself: a refusal or an error line, never a signal.
@Suite("process limits", .serialized)
struct ProcessLimitTests {
    static let data = try! SyntheticDigits.write(trainCount: 60, testCount: 20)

    /// `neurite train mnist` on the synthetic digits with `options`, after `limit` (a `ulimit`
    /// command) in `/bin/sh`: its exit status (nil when a signal ended it), output and errors.
    func train(under limit: String, _ options: String) throws -> (status: Int32?, output: String, errors: String) {
        let executable = try #require(CommandFailureTests.neuriteExecutable(), "the neurite executable was not built next to the tests")
        let process = Process(), output = Pipe(), errors = Pipe()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\(limit) && exec '\(executable.path)' train mnist --data-dir '\(Self.data.path)' --epochs 1 \(options)"]
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let failed = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationReason == .exit ? process.terminationStatus : nil, printed, failed)
    }

    /// Under `ulimit -f` a write past the limit killed the process (SIGXFSZ, exit status 153)
    /// and left the save's temporary file; it is now an error line, and an `--output` the limit
    /// cannot take is refused before training. (8 blocks of 512 or 1,024 bytes, depending on the
    /// shell: below the 101.8 kB of weights.)
    @Test func aFileSizeLimitIsAnErrorNotASignal() throws {
        let folder = Self.data.appendingPathComponent("limited-\(UUID().uuidString)")
        let checkpoint = try train(under: "ulimit -f 8", "--hidden 32 --checkpoint '\(folder.path)'")
        #expect(checkpoint.status == 1)
        #expect(checkpoint.errors == "error: \(folder.path)/epoch-1-model.safetensors: cannot be written, file too large\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        let output = try train(under: "ulimit -f 8", "--hidden 32 --output '\(folder.path)/model.safetensors'")
        #expect(output.status == 1)
        #expect(output.errors.contains("cannot be written, expected room for 101.8 kB, found a file size limit of "), "\(output.errors)")
        #expect(!output.output.contains("epoch 1/"))
    }

    /// An address-space limit below the model is the limit named, not an allocation that fails
    /// inside the runtime. (8,000,000 blocks of 1 or 0.5 kB; the model needs 9.4 GB.)
    @Test func anAddressSpaceLimitIsTheLimitNamed() throws {
        let refused = try train(under: "ulimit -v 8000000", "--hidden 3000000")
        #expect(refused.status == 1)
        #expect(refused.errors.hasPrefix("error: --model: the model up to dense(3000000, relu) needs 9.4 GB, more than the limit of "), "\(refused.errors)")
        #expect(refused.errors.hasSuffix(" (ulimit -v)\n"), "\(refused.errors)")
    }
}
