import Foundation

/// The test-helper executable `name` (an executable target of this package that `swift test`
/// builds next to the test bundle), or nil where it cannot be found.
func childExecutable(named name: String) -> URL? {
    let candidates = [
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
    ]
    for folder in candidates {
        var current = folder
        for _ in 0..<4 {
            let url = current.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            current = current.deletingLastPathComponent()
        }
    }
    return nil
}
