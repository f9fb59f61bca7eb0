import Foundation
import Testing
@testable import Neurite

@Suite("Atomic saves")
struct AtomicFileTests {
    let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-atomic-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    func mode(_ url: URL) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func keepsPermissionsAndWritesThroughSymlinks() throws {
        let target = directory.appendingPathComponent("model.safetensors")
        try AtomicFile.write(Data("old".utf8), to: target)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target.path)
        try AtomicFile.write(Data("new".utf8), to: target)
        #expect(try String(contentsOf: target, encoding: .utf8) == "new")
        #expect(try mode(target) == 0o600)

        let link = directory.appendingPathComponent("latest.safetensors")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "model.safetensors")
        try AtomicFile.write(Data("through the link".utf8), to: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "model.safetensors")
        #expect(try String(contentsOf: target, encoding: .utf8) == "through the link")
        #expect(try mode(target) == 0o600)
    }

    @Test func removesStaleTemporaryFilesOfTheSameTargetOnly() throws {
        let target = directory.appendingPathComponent("model.safetensors")
        // PID 2^22 + 1 is above Linux's pid_max default range of live processes in a test run.
        let stale = AtomicFile.temporaryURL(for: target, process: 4_194_305)
        let other = directory.appendingPathComponent(".other.safetensors.tmp-4194305")
        try Data("partial".utf8).write(to: stale)
        try Data("partial".utf8).write(to: other)
        try AtomicFile.write(Data("complete".utf8), to: target)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: directory.path)) == [
            "model.safetensors", ".other.safetensors.tmp-4194305",
        ])
    }

    @Test func refusesMissingFoldersAndFoldersAsTargetsNamingThem() throws {
        let missing = directory.appendingPathComponent("no/such/model.safetensors")
        #expect { try AtomicFile.write(Data(), to: missing) } throws: { "\($0)".contains("found no folder") }
        #expect { try AtomicFile.checkWritable(missing) } throws: { "\($0)".contains("found no folder") }
        #expect { try AtomicFile.checkWritable(directory) } throws: { "\($0)".contains("found a folder") }
        try AtomicFile.checkWritable(directory.appendingPathComponent("fine.safetensors"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    /// The room check compares with what the file system has free: a file of `Int.max` bytes
    /// never fits, one byte does (this folder was just written to), and the message gives both.
    @Test func checksTheRoomForAFileBeforeItIsComputed() throws {
        let target = directory.appendingPathComponent("model.safetensors")
        try AtomicFile.checkRoom(for: 1, at: target)
        #expect { try AtomicFile.checkRoom(for: .max, at: target) } throws: { error in
            guard case SerializationError.unwritable(target, let reason) = error else { return false }
            return reason.hasPrefix("expected room for 9.2 EB, found ") && reason.hasSuffix(" free on its file system")
        }
    }

    /// A child process saves models in a loop (AtomicWriteChild) and is killed with SIGKILL at
    /// a random moment, 50 times: the target must always be a complete model, the old or a new
    /// one, and the next save must leave no temporary file behind.
    @Test func sigkillDuringSavesNeverLeavesAPartialModel() throws {
        let child = try #require(childExecutable(named: "AtomicWriteChild"), "AtomicWriteChild was not built next to the test bundle")
        let target = directory.appendingPathComponent("model.safetensors")
        let count = 50_000
        var generator = RandomGenerator(seed: 11)
        var killedMidWrite = 0, versionsSeen = Set<Float>()
        for _ in 0..<50 {
            try Safetensors.write([("w", Tensor.full([count], 0))], to: target)
            let process = Process()
            process.executableURL = child
            process.arguments = [target.path, "\(count)"]
            try process.run()
            // Wait for the child's first save to begin (its temporary file appears), so that the
            // kill lands among saves and not during the process's start.
            let temporary = AtomicFile.temporaryURL(for: target, process: process.processIdentifier)
            for _ in 0..<5_000 where !FileManager.default.fileExists(atPath: temporary.path) { usleep(1_000) }
            usleep(useconds_t(generator.next() % 20_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)

            let (tensors, _) = try Safetensors.read(from: target)
            let values = try #require(tensors["w"]).scalars
            #expect(values.count == count)
            let version = values[0]
            #expect(values.allSatisfy { $0 == version }, "a model mixing versions")
            versionsSeen.insert(version)
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            if names.count > 1 { killedMidWrite += 1 }
        }
        try Safetensors.write([("w", Tensor.full([count], 0))], to: target)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.safetensors"])
        // The kills must have landed both before and during saves for the test to mean anything.
        #expect(versionsSeen.count > 1)
        print("SIGKILL test: \(killedMidWrite)/50 kills left a temporary file (a save in progress); versions seen: \(versionsSeen.count)")
    }
}
