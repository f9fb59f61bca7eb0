import Foundation

/// The bytes of a text input (a CSV table, a corpus): a regular file, or a pipe.
///
/// A regular file is read whole once its size passes the caller's memory check. A pipe
/// (`<(zcat data.csv.gz)`, a FIFO, standard input through `/dev/stdin`) has no size until its
/// end, so it is read in 64 KiB pieces and refused as soon as the bytes so far fail the same
/// check: a stream that does not end cannot take more than the limit. Foundation's
/// `Data(contentsOf:)` refuses pipes on Linux; devices (`/dev/zero`) are refused here too.
enum InputFile {
    /// Why a file could not be read, in a few words ("no such file", "not a directory").
    struct Failure: Error {
        let reason: String
    }

    /// The bytes of `url`, refused before they are read (a pipe: as soon as what it has sent is
    /// too much) when `bytesPerByte` bytes for each of them would exceed ``SizeLimit``: the
    /// caller's count of what the file becomes in memory, its own bytes included. `what` names
    /// the file in the reason ("a text" → "a text of 5000 bytes needs …").
    /// - Throws: ``Failure`` with the reason.
    static func contents(of url: URL, bytesPerByte: Int, what: String) throws -> Data {
        try contents(of: url) { size in
            SizeLimit.problem(bytes: size.multipliedReportingOverflow(by: bytesPerByte), what: "\(what) of \(size) bytes")
        }
    }

    /// The bytes of `url`. `problem` is the caller's memory check for a file of so many bytes:
    /// a reason to refuse it, or `nil`.
    static func contents(of url: URL, refusing problem: (Int) -> String?) throws -> Data {
        var status = stat()
        guard stat(url.path, &status) == 0 else { throw Failure(reason: errno == ENOENT ? "no such file" : currentErrorText()) }
        switch status.st_mode & S_IFMT {
        case S_IFREG:
            if let reason = problem(Int(status.st_size)) { throw Failure(reason: reason) }
            do { return try Data(contentsOf: url) } catch { throw Failure(reason: describeFileError(error)) }
        case S_IFIFO, S_IFSOCK:
            return try stream(url, refusing: problem)
        case S_IFDIR:
            throw Failure(reason: "is a directory")
        default:
            throw Failure(reason: "a device, not a file")
        }
    }

    private static func stream(_ url: URL, refusing problem: (Int) -> String?) throws -> Data {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(reason: currentErrorText()) }
        defer { close(descriptor) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw Failure(reason: currentErrorText()) }
            if count == 0 { return data }
            data.append(contentsOf: buffer[..<count])
            if let reason = problem(data.count) { throw Failure(reason: reason + " (read so far from a pipe)") }
        }
    }
}
