import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that an interruption at any moment (Ctrl-C, SIGKILL, power loss) leaves
/// either the old file or the new one, complete, and never loses the old one to a failed save.
///
/// The bytes go to a temporary file in the target's folder, named after it
/// (`.model.safetensors.tmp-PID`, hidden, and on the same file system so that the rename is
/// atomic); the file and then the folder are synced to disk, so that the rename cannot reach the
/// disk before the data; the temporary file takes the target's permissions, and a target that is
/// a symbolic link is written through (what it points to is replaced, the link stays). Temporary
/// files of earlier saves of the same target whose process is gone (killed mid-save) are removed.
public enum AtomicFile {
    /// Replaces the contents of `url` by `data`, atomically.
    /// - Throws: ``SerializationError/unwritable(_:reason:)`` naming the file; the target is
    ///   then unchanged.
    public static func write(_ data: Data, to url: URL) throws {
        let target = resolvedTarget(url)
        removeStaleTemporaryFiles(of: target)
        let temporary = temporaryURL(for: target, process: getpid())
        let mode = existingMode(of: target)
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode ?? 0o666)
        guard descriptor >= 0 else { throw unwritable(url, folderOf: target) }
        var succeeded = false
        defer {
            if !succeeded { unlink(temporary.path) }
        }
        do {
            defer { close(descriptor) }
            // open() applied the umask; an existing target's mode is kept exactly.
            if let mode { _ = fchmod(descriptor, mode) }
            guard data.withUnsafeBytes({ writeAll($0, to: descriptor) }) else {
                throw SerializationError.unwritable(url, reason: currentErrorText())
            }
            guard fsync(descriptor) == 0 else { throw SerializationError.unwritable(url, reason: currentErrorText()) }
        }
        guard rename(temporary.path, target.path) == 0 else { throw SerializationError.unwritable(url, reason: currentErrorText()) }
        succeeded = true
        syncFolder(of: target)
    }

    /// Checks, by creating and removing a temporary file there, that a later ``write(_:to:)`` to
    /// `url` can succeed: its folder exists and is writable, and `url` is not a folder. Call it
    /// before a long computation whose result goes to `url`.
    /// - Throws: ``SerializationError/unwritable(_:reason:)`` saying why not.
    public static func checkWritable(_ url: URL) throws {
        let target = resolvedTarget(url)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw SerializationError.unwritable(url, reason: "expected a file name, found a folder")
        }
        let probe = temporaryURL(for: target, process: getpid())
        let descriptor = open(probe.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw unwritable(url, folderOf: target) }
        close(descriptor)
        unlink(probe.path)
    }

    /// Checks that the file system of `url` has room now for a file of `bytes` (all of it: the
    /// old file stays until the new one is complete), and that the process may write a file that
    /// large (`ulimit -f`). Call it before a long computation whose result goes to `url`; the
    /// later write still reports a disk that filled in the meantime. A file system that cannot
    /// say (statvfs fails) passes.
    /// - Throws: ``SerializationError/unwritable(_:reason:)`` giving both sizes.
    public static func checkRoom(for bytes: Int, at url: URL) throws {
        if let limit = ProcessLimits.limit(of: .fileSize), limit < bytes {
            throw SerializationError.unwritable(
                url, reason: "expected room for \(SizeLimit.describe(bytes)), found a file size limit of \(SizeLimit.describe(limit)) (ulimit -f)")
        }
        var info = statvfs()
        guard statvfs(resolvedTarget(url).deletingLastPathComponent().path, &info) == 0 else { return }
        // Blocks reserved for the superuser are free to root, whose writes may use them.
        let blocks = UInt64(geteuid() == 0 ? info.f_bfree : info.f_bavail)
        let free = blocks.multipliedReportingOverflow(by: UInt64(info.f_frsize))
        guard !free.overflow, free.partialValue < UInt64(max(0, bytes)) else { return }
        throw SerializationError.unwritable(
            url, reason: "expected room for \(SizeLimit.describe(bytes)), found \(SizeLimit.describe(Int(free.partialValue))) free on its file system")
    }

    /// `.NAME.tmp-PID` beside the target.
    static func temporaryURL(for target: URL, process: Int32) -> URL {
        target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).tmp-\(process)")
    }

    /// What a chain of symbolic links at `url` finally points to (`url` itself if it is none).
    private static func resolvedTarget(_ url: URL) -> URL {
        var current = url.standardizedFileURL
        for _ in 0..<32 {
            guard let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: current.path) else { return current }
            current = destination.hasPrefix("/")
                ? URL(fileURLWithPath: destination)
                : current.deletingLastPathComponent().appendingPathComponent(destination).standardizedFileURL
        }
        return current
    }

    private static func existingMode(of target: URL) -> mode_t? {
        var status = stat()
        guard stat(target.path, &status) == 0 else { return nil }
        return status.st_mode & 0o7777
    }

    /// Removes `.NAME.tmp-PID` files left by saves that were killed: those whose process no
    /// longer exists (a live one may be another save in progress).
    private static func removeStaleTemporaryFiles(of target: URL) {
        let folder = target.deletingLastPathComponent()
        let prefix = ".\(target.lastPathComponent).tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let process = Int32(name.dropFirst(prefix.count)) else { continue }
            if process == getpid() || (kill(process, 0) != 0 && errno == ESRCH) {
                unlink(folder.appendingPathComponent(name).path)
            }
        }
    }

    /// Makes the rename durable: the folder's entry is what names the new file.
    private static func syncFolder(of target: URL) {
        let descriptor = open(target.deletingLastPathComponent().path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    private static func unwritable(_ url: URL, folderOf target: URL) -> SerializationError {
        let folder = target.deletingLastPathComponent().path
        let code = errno
        var isDirectory: ObjCBool = false
        if code == ENOENT, !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) || !isDirectory.boolValue {
            return .unwritable(url, reason: "expected an existing folder, found no folder \(folder)")
        }
        errno = code
        return .unwritable(url, reason: "cannot create a file in \(folder): \(currentErrorText())")
    }
}

/// Writes all of `buffer`, retrying after interruptions and short writes; `false` on an error
/// (left in `errno`).
private func writeAll(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32) -> Bool {
    var written = 0
    while written < buffer.count {
        let result = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
        if result < 0 && errno == EINTR { continue }
        guard result > 0 else { return false }
        written += result
    }
    return true
}

func currentErrorText() -> String { String(cString: strerror(errno)).lowercased() }
