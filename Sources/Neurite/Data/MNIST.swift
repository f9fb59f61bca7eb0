import Foundation

/// The MNIST handwritten digits: 60,000 training and 10,000 test images of 28×28 pixels.
///
/// A copy ships inside the package, so ``load(from:)`` works offline. Any directory holding the
/// four files under MNIST's names (raw or gzipped) loads the same way, e.g. Fashion-MNIST.
/// When the directory has a `SHA256SUMS.uncompressed` file, every file is checked against it.
///
/// Pixels are scaled to [0, 1] and then standardised with the training set's mean and standard
/// deviation, so that inputs are centred and of unit variance, which keeps the first layer's
/// pre-activations in the range its initialization assumes.
public struct MNIST: Sendable {
    /// The 60,000 training images (flattened to 784 standardised pixels) and labels.
    public let train: Dataset
    /// The 10,000 test images and labels, standardised with the training statistics.
    public let test: Dataset
    /// The mean and standard deviation of the training pixels (after scaling to [0, 1]).
    public let pixelMean: Float
    public let pixelStandardDeviation: Float

    /// The copy bundled with the package.
    ///
    /// Looked up by hand rather than through SwiftPM's `Bundle.module`, whose accessor traps when
    /// the resource bundle is missing (a `neurite` binary copied away from its build folder): here
    /// a missing copy becomes a ``DataError/fileNotFound(_:)`` from ``load(from:)``. The places
    /// tried are the resource bundle next to the executable (Linux and macOS names), then the
    /// package's source tree, which exists wherever the package was built from source.
    public static var bundledDirectory: URL {
        let besideExecutable = ["Neurite_Neurite.resources", "Neurite_Neurite.bundle"].compactMap { name in
            Bundle(url: Bundle.main.bundleURL.appendingPathComponent(name))?.resourceURL?.appendingPathComponent("MNIST")
        }
        let sourceTree = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Resources/MNIST")
        let candidates = besideExecutable + [sourceTree]
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("SHA256SUMS.uncompressed").path) }
            ?? candidates[0]
    }

    /// Loads and standardises the four files in `directory` (the bundled copy by default).
    /// - Throws: ``DataError`` naming the file that is missing, corrupt, truncated or inconsistent.
    public static func load(from directory: URL? = nil) throws -> MNIST {
        let directory = directory ?? bundledDirectory
        let checksums = readChecksums(directory.appendingPathComponent("SHA256SUMS.uncompressed"))
        func read(_ name: String) throws -> IDXFile {
            let gzipped = directory.appendingPathComponent(name + ".gz")
            let url = FileManager.default.fileExists(atPath: gzipped.path) ? gzipped : directory.appendingPathComponent(name)
            return try IDXFile(contentsOf: url, expectedSHA256: checksums[name])
        }
        let trainImages = try read("train-images-idx3-ubyte"), trainLabels = try read("train-labels-idx1-ubyte")
        let testImages = try read("t10k-images-idx3-ubyte"), testLabels = try read("t10k-labels-idx1-ubyte")

        let (mean, deviation) = statistics(of: trainImages.bytes)
        return MNIST(
            train: try dataset(trainImages, trainLabels, mean: mean, deviation: deviation, in: directory),
            test: try dataset(testImages, testLabels, mean: mean, deviation: deviation, in: directory),
            pixelMean: mean, pixelStandardDeviation: deviation)
    }

    private static func dataset(_ images: IDXFile, _ labels: IDXFile, mean: Float, deviation: Float, in directory: URL) throws -> Dataset {
        guard images.dimensions.count == 3, labels.dimensions.count == 1, images.dimensions[0] == labels.dimensions[0] else {
            throw DataError.inconsistent(
                "\(directory.path): images \(images.dimensions) and labels \(labels.dimensions) do not match")
        }
        let pixels = images.dimensions[1] * images.dimensions[2]
        let scale = 1 / (255 * deviation), shift = mean / deviation
        let inputs = Tensor(images.bytes.map { Float($0) * scale - shift })
        return try Dataset(inputs: inputs.reshaped([images.dimensions[0], pixels]), labels: labels.bytes.map(Int.init))
    }

    private static func statistics(of bytes: [UInt8]) -> (mean: Float, deviation: Float) {
        var sum: Double = 0, squares: Double = 0
        for byte in bytes {
            let value = Double(byte) / 255
            sum += value
            squares += value * value
        }
        let n = Double(max(bytes.count, 1))
        let mean = sum / n
        return (Float(mean), Float(max((squares / n - mean * mean).squareRoot(), 1e-6)))
    }

    /// `sha256sum` output: "<hex digest>  <file name>" per line.
    private static func readChecksums(_ url: URL) -> [String: String] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [:] }
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count == 2 { result[String(fields[1]).trimmingCharacters(in: CharacterSet(charactersIn: "*"))] = String(fields[0]) }
        }
        return result
    }
}
