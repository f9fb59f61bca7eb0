import Foundation
import Neurite

/// An architecture given on the command line (`--model` of train and import-torch, the model of
/// summary): `lenet`, the name of a file holding architecture text, or the text itself.
enum ArchitectureArgument {
    /// The parsed architecture.
    static func parse(_ value: String) throws -> Architecture {
        if value.lowercased() == "lenet" { return try Architecture(Architecture.leNet5) }
        return try Architecture(text(value))
    }

    /// The longest architecture file read: LeNet-5 is 80 bytes of text, and a file of gigabytes
    /// given by mistake should be refused, not read into memory.
    static let largestFileBytes = 1 << 20

    /// The architecture text: the contents of the file `value` names, or `value` itself. A file
    /// that cannot be read, is over ``largestFileBytes`` or is not UTF-8 text is refused by name. A
    /// value that looks like a path (a `/`, or a file extension without parentheses) but names no
    /// file is refused as such, rather than parsed as an architecture and reported as a strange
    /// layer.
    static func text(_ value: String) throws -> String {
        if FileManager.default.fileExists(atPath: value) {
            let refuse = { (found: String) in CommandLineError(subject: value, message: "expected a readable architecture file, found \(found)") }
            // A folder reads as an error, a pipe or a device may block forever: only regular files.
            let kind = try? URL(fileURLWithPath: value).resolvingSymlinksInPath().resourceValues(forKeys: [.isRegularFileKey, .isDirectoryKey])
            if kind?.isDirectory == true { throw refuse("a folder") }
            if kind?.isRegularFile != true { throw refuse("something that is not a regular file") }
            let bytes: Data
            do {
                let file = try FileHandle(forReadingFrom: URL(fileURLWithPath: value))
                defer { try? file.close() }
                bytes = try file.read(upToCount: largestFileBytes + 1) ?? Data()
            } catch { throw refuse(describeFileError(error)) }
            guard bytes.count <= largestFileBytes else { throw refuse("a file of more than \(largestFileBytes) bytes") }
            guard let text = String(data: bytes, encoding: .utf8) else { throw refuse("not UTF-8 text") }
            return text
        }
        let looksLikePath = value.contains("/") || (!value.contains("(") && value.range(of: #"\.[A-Za-z]+$"#, options: .regularExpression) != nil)
        if looksLikePath { throw CommandLineError(subject: "--model", message: "expected an architecture or a file, found no such file \(value)") }
        return value
    }
}
