import Foundation

/// An image read from a PNG file, as 8-bit samples: what `neurite predict` turns into an MNIST
/// digit (``MNIST/digit(from:)``), so that a digit drawn in any paint program can be classified.
///
/// Every PNG a paint program, a browser's canvas or a phone writes is read: gray, gray with
/// alpha, RGB, RGBA and palette images, at every bit depth the format allows. Interlaced
/// (Adam7) files are refused with that reason.
public struct PNGImage: Sendable, Equatable {
    /// Pixels per row and rows.
    public let width: Int, height: Int
    /// Samples per pixel: 1 gray, 2 gray and alpha, 3 RGB, 4 RGBA. A palette image is expanded
    /// to RGB, or RGBA when its palette has transparency.
    public let channels: Int
    /// `height · width · channels` samples, row after row, a pixel's channels together. 16-bit
    /// samples keep their high byte; 1-, 2- and 4-bit gray levels are scaled to 0…255.
    public let samples: [UInt8]

    /// An image of these samples, made in code (a canvas, a camera frame).
    /// - Throws: ``TensorError/invalidArgument(_:)`` unless the sides are positive, `channels`
    ///   is 1 to 4 and there are `width · height · channels` samples.
    public init(width: Int, height: Int, channels: Int, samples: [UInt8]) throws {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard (1...4).contains(channels), width > 0, height > 0, !overflow, samples.count / channels == pixels, samples.count % channels == 0 else {
            throw TensorError.invalidArgument("a \(width)×\(height) image of \(channels) channels cannot hold \(samples.count) samples")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.samples = samples
    }

    /// The image in a PNG file.
    /// - Throws: ``DataError/fileNotFound(_:)``, ``DataError/unreadable(_:reason:)`` (including
    ///   an image larger than ``SizeLimit`` allows, refused before it is inflated), and
    ///   ``DataError/malformedImage(_:reason:)`` naming what is wrong: signature, chunk, CRC,
    ///   header field, palette, filter, or image data that ends early or does not inflate.
    public init(contentsOf url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else { throw DataError.fileNotFound(url) }
        let data: Data
        do {
            data = try InputFile.contents(of: url, bytesPerByte: 1, what: "a file")
        } catch let failure as InputFile.Failure {
            throw DataError.unreadable(url, reason: failure.reason)
        }
        try self.init(parsing: data, file: url)
    }

    /// The image in the bytes of a PNG file already read; `file` names it in errors.
    /// - Throws: as ``init(contentsOf:)``.
    public init(parsing data: Data, file: URL) throws {
        self = try PNGDecoder(data, file: file).decode()
    }

    /// Each pixel's brightness in 0…255 (0 black), its alpha laid over white paper: strokes
    /// drawn on a transparent canvas read as ink on white. Colour is weighted as Rec. 601's luma
    /// (0.299 R + 0.587 G + 0.114 B).
    public var luminance: [Float] {
        let pixels = width * height
        return (0..<pixels).map { pixel in
            let base = pixel * channels
            let value: Float, alpha: Float
            switch channels {
            case 1, 2: value = Float(samples[base])
            default: value = 0.299 * Float(samples[base]) + 0.587 * Float(samples[base + 1]) + 0.114 * Float(samples[base + 2])
            }
            switch channels {
            case 2: alpha = Float(samples[base + 1]) / 255
            case 4: alpha = Float(samples[base + 3]) / 255
            default: alpha = 1
            }
            return value * alpha + 255 * (1 - alpha)
        }
    }
}
