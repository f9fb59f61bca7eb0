import Foundation

/// The page's files (index.html, playground.js, playground.css), read once at start.
///
/// They ship as package resources. As `MNIST.bundledDirectory` does, the resource bundle is looked
/// up by hand rather than through `Bundle.module`, whose accessor traps when the bundle is missing
/// (a binary copied away from its build folder): here that is an error at start, naming the places
/// tried. The places are the bundle next to the executable (Linux and macOS names), then the
/// package's source tree.
struct PageFiles: Sendable {
    /// One file's bytes and its content type.
    struct File: Sendable {
        let contents: Data
        let contentType: String
    }

    /// The files by request path: `/`, `/playground.js`, `/playground.css`.
    let byPath: [String: File]

    /// The names served, with their content types.
    static let served = [
        ("index.html", "/", "text/html; charset=utf-8"),
        ("playground.js", "/playground.js", "text/javascript; charset=utf-8"),
        ("playground.css", "/playground.css", "text/css; charset=utf-8"),
    ]

    /// The files of the first resource folder that holds `index.html`.
    /// - Throws: ``PageFilesError`` when no such folder exists or a file cannot be read.
    init() throws {
        // SwiftPM names the bundle <package>_<target>.
        let besideExecutable = ["Neurite_NeuritePlayground.resources", "Neurite_NeuritePlayground.bundle"].compactMap { name in
            Bundle(url: Bundle.main.bundleURL.appendingPathComponent(name))?.resourceURL?.appendingPathComponent("Resources")
        }
        let sourceTree = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources")
        let candidates = besideExecutable + [sourceTree]
        guard let folder = candidates.first(where: { FileManager.default.fileExists(atPath: $0.appendingPathComponent("index.html").path) }) else {
            throw PageFilesError(message: "the playground's page was not found in \(candidates.map(\.path).joined(separator: ", "))")
        }
        var files: [String: File] = [:]
        for (name, path, contentType) in Self.served {
            let url = folder.appendingPathComponent(name)
            guard let contents = FileManager.default.contents(atPath: url.path) else {
                throw PageFilesError(message: "cannot read \(url.path)")
            }
            files[path] = File(contents: contents, contentType: contentType)
        }
        byPath = files
    }
}

/// The page's files are missing or unreadable.
struct PageFilesError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
