import Foundation

/// The MNIST handwritten digits: 60,000 training and 10,000 test images of 28×28 pixels.
///
/// A copy ships inside the package, so ``load(from:)`` works offline. Any directory holding the
/// four files under MNIST's names (raw or gzipped) loads the same way, e.g. Fashion-MNIST.
/// When the directory has a `CRC32SUMS.uncompressed` file, every file is checked against it.
///
/// CRC-32 rather than SHA-256: zlib, already linked to read gzip, computes it, so the library
/// needs no cryptography package (whose BoringSSL build dominated a first build). The check
/// guards against corruption (a damaged download or disk), which CRC-32 detects; the published
/// SHA-256 sums stay beside it in `SHA256SUMS.uncompressed` for `sha256sum -c`.
///
/// Pixels are scaled to [0, 1] and then standardised with the training set's mean and standard
/// deviation, so that inputs are centred and of unit variance, which keeps the first layer's
/// pre-activations in the range its initialization assumes. The datasets keep the pixels as
/// bytes and standardise each batch as it is read (47 MB for the training images instead of
/// 188 MB as `Float`); ``Dataset/inputs`` converts a whole set when asked.
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
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent(checksumsName).path) }
            ?? candidates[0]
    }

    private static let trainImagesName = "train-images-idx3-ubyte", trainLabelsName = "train-labels-idx1-ubyte"
    private static let testImagesName = "t10k-images-idx3-ubyte", testLabelsName = "t10k-labels-idx1-ubyte"
    private static let checksumsName = "CRC32SUMS.uncompressed"

    /// Every file ``load(from:)`` may read in `directory` (the bundled copy by default): the four
    /// IDX files, plain or gzipped, and their checksums; for commands that must not write there.
    public static func files(in directory: URL? = nil) -> [URL] {
        let directory = directory ?? bundledDirectory
        let names = [trainImagesName, trainLabelsName, testImagesName, testLabelsName].flatMap { [$0, $0 + ".gz"] } + [checksumsName]
        return names.map { directory.appendingPathComponent($0) }
    }

    /// The number of classes: the digits 0 to 9.
    public static let classCount = 10

    /// Loads and standardises the four files in `directory` (the bundled copy by default).
    ///
    /// Before any pixel is converted, the files are checked against each other: images and
    /// labels of a split have the same count, both splits have at least one sample and the same
    /// image size, and every label is a class (0 to 9); each failure names the file at fault.
    /// - Throws: ``DataError`` naming the file that is missing, corrupt, truncated or inconsistent.
    public static func load(from directory: URL? = nil) throws -> MNIST {
        let directory = directory ?? bundledDirectory
        let checksums = readChecksums(directory.appendingPathComponent(checksumsName))
        func read(_ name: String) throws -> (IDXFile, URL) {
            let gzipped = directory.appendingPathComponent(name + ".gz")
            let url = FileManager.default.fileExists(atPath: gzipped.path) ? gzipped : directory.appendingPathComponent(name)
            return (try IDXFile(contentsOf: url, expectedCRC32: checksums[name]), url)
        }
        let trainImages = try read(trainImagesName), trainLabels = try read(trainLabelsName)
        let testImages = try read(testImagesName), testLabels = try read(testLabelsName)
        try checkSplit(images: trainImages, labels: trainLabels)
        try checkSplit(images: testImages, labels: testLabels)
        guard testImages.0.dimensions.dropFirst() == trainImages.0.dimensions.dropFirst() else {
            throw DataError.inconsistent(testImages.1, reason: """
                expected images of \(trainImages.0.dimensions.dropFirst().map(String.init).joined(separator: "×")) pixels like the training set, \
                found \(testImages.0.dimensions.dropFirst().map(String.init).joined(separator: "×"))
                """)
        }

        let (mean, deviation) = statistics(of: trainImages.0.bytes)
        return MNIST(
            train: dataset(trainImages.0, trainLabels.0, mean: mean, deviation: deviation),
            test: dataset(testImages.0, testLabels.0, mean: mean, deviation: deviation),
            pixelMean: mean, pixelStandardDeviation: deviation)
    }

    /// Images `[count, height, width]` with `count` labels, each a class.
    private static func checkSplit(images: (IDXFile, URL), labels: (IDXFile, URL)) throws {
        guard images.0.dimensions.count == 3 else {
            throw DataError.inconsistent(images.1, reason: "expected images [count, height, width], found dimensions \(images.0.dimensions)")
        }
        guard labels.0.dimensions.count == 1 else {
            throw DataError.inconsistent(labels.1, reason: "expected labels [count], found dimensions \(labels.0.dimensions)")
        }
        guard images.0.dimensions[0] > 0, images.0.dimensions[1] > 0, images.0.dimensions[2] > 0 else {
            throw DataError.inconsistent(images.1, reason: "expected at least one image of at least one pixel, found dimensions \(images.0.dimensions)")
        }
        guard labels.0.dimensions[0] == images.0.dimensions[0] else {
            throw DataError.inconsistent(
                labels.1, reason: "expected \(images.0.dimensions[0]) labels, one per image of \(images.1.lastPathComponent), found \(labels.0.dimensions[0])")
        }
        if let index = labels.0.bytes.firstIndex(where: { Int($0) >= classCount }) {
            throw DataError.inconsistent(
                labels.1, reason: "expected labels 0 to \(classCount - 1), found \(labels.0.bytes[index]) at position \(index)")
        }
    }

    /// A split checked by ``checkSplit(images:labels:)``: whole images, one label each, every label a class.
    private static func dataset(_ images: IDXFile, _ labels: IDXFile, mean: Float, deviation: Float) -> Dataset {
        let pixels = images.dimensions[1] * images.dimensions[2]
        let samples = ByteSamples(bytes: images.bytes, sampleShape: [pixels], scale: 1 / (255 * deviation), shift: mean / deviation)
        return Dataset(checkedSamples: .bytes(samples), labels: labels.bytes.map(Int.init))
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

    /// "<CRC-32 as 8 hex digits>  <file name>" per line, like `sha256sum` output.
    private static func readChecksums(_ url: URL) -> [String: UInt32] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [:] }
        var result: [String: UInt32] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count == 2, let sum = UInt32(fields[0], radix: 16) {
                result[String(fields[1]).trimmingCharacters(in: CharacterSet(charactersIn: "*"))] = sum
            }
        }
        return result
    }
}
