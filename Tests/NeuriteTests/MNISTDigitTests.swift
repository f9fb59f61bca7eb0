import Foundation
import Testing
@testable import Neurite

/// ``MNIST/digit(from:)``: a picture prepared as MNIST's digits were, which leaves MNIST's own
/// digits as they are, however they are drawn onto a picture.
@Suite("MNIST digits from pictures")
struct MNISTDigitTests {
    /// The first 120 test digits, as bytes.
    static let digits: [[UInt8]] = {
        let file = try! IDXFile(contentsOf: MNIST.files().first { $0.lastPathComponent == "t10k-images-idx3-ubyte.gz" }!)
        return (0..<120).map { Array(file.bytes[$0 * 784..<($0 + 1) * 784]) }
    }()

    /// An MNIST digit is already fitted to 20×20 and centred by its centre of mass: it comes
    /// back as it was, as a gray picture, as ink on white paper at three times its size in RGB,
    /// and as black strokes with alpha, twice its size, off-centre on a transparent canvas. "As
    /// it was": identical, except that its strongest stroke is made full ink (about one digit in
    /// ten peaks below 255) and a faint fringe under 2% of the range is left out of the box.
    @Test func anMNISTDigitComesBackAsItWasHoweverItIsDrawn() throws {
        var identical = [0, 0, 0], largestDifference: [Double] = [0, 0, 0]
        for digit in Self.digits {
            let enlarged = (0..<84).flatMap { y in (0..<84).flatMap { x in [UInt8](repeating: 255 - digit[y / 3 * 28 + x / 3], count: 3) } }
            let canvas = (0..<90).flatMap { y in (0..<120).flatMap { x -> [UInt8] in
                let (row, column) = ((y - 20) / 2, (x - 60) / 2)
                return [0, 0, 0, y >= 20 && x >= 60 && row < 28 && column < 28 ? digit[row * 28 + column] : 0]
            } }
            let pictures = try [PNGImage(width: 28, height: 28, channels: 1, samples: digit),
                            PNGImage(width: 84, height: 84, channels: 3, samples: enlarged),
                            PNGImage(width: 120, height: 90, channels: 4, samples: canvas)]
            for (index, picture) in pictures.enumerated() {
                let prepared = try MNIST.digit(from: picture)
                if prepared == digit { identical[index] += 1 }
                let difference = zip(prepared, digit).map { abs(Double($0) - Double($1)) }.reduce(0, +) / 784
                largestDifference[index] = max(largestDifference[index], difference)
            }
        }
        #expect(identical.allSatisfy { $0 >= 100 }, "\(identical) of 120")
        #expect(largestDifference.allSatisfy { $0 < 3 }, "mean |difference| per pixel, the worst digit: \(largestDifference)")
    }

    /// A digit drawn anywhere at any size ends up 20 pixels across its longer side, its centre
    /// of mass at the centre: a 6-pixel-wide bar, 90 tall, high on a 200×200 page.
    @Test func fitsAndCentresAStroke() throws {
        var page = [UInt8](repeating: 250, count: 200 * 200)
        for y in 10..<100 { for x in 150..<156 { page[y * 200 + x] = 30 } }
        let digit = try MNIST.digit(from: PNGImage(width: 200, height: 200, channels: 1, samples: page))
        let inked = (0..<784).filter { digit[$0] > 0 }
        let rows = Set(inked.map { $0 / 28 }), columns = Set(inked.map { $0 % 28 })
        #expect(rows.count == 20 && columns.count <= 2, "\(rows.sorted()) \(columns.sorted())")
        // Centre of mass in pixel indices, as MNIST's: within half a pixel of (14, 14).
        let mass = digit.reduce(0) { $0 + Double($1) }
        let centreX = inked.reduce(0) { $0 + Double(digit[$1]) * Double($1 % 28) } / mass
        let centreY = inked.reduce(0) { $0 + Double(digit[$1]) * Double($1 / 28) } / mass
        #expect(abs(centreX - 14) <= 0.5 && abs(centreY - 14) <= 0.5, "\(centreX), \(centreY)")
        #expect(digit.max() == 255)
    }

    /// Found by FuzzPNG (its CRCs corrected, as the harness does): a 53×9 1-bit picture whose
    /// last shrunk column ended a hair past the box in float arithmetic, so the area average
    /// read beyond the image and trapped.
    @Test func shrinkingNeverReadsPastTheBox() throws {
        let bytes: [UInt8] = [
            0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x35,
            0x00, 0x00, 0x00, 0x09, 0x01, 0x00, 0x00, 0x00, 0x00, 0xBA, 0x25, 0x59, 0x0B, 0x00, 0x00, 0x00, 0x23, 0x49, 0x44, 0x41,
            0x54, 0x78, 0x9C, 0x63, 0x28, 0x6D, 0x60, 0x5C, 0x75, 0x8D, 0x69, 0x30, 0x03, 0x73, 0xC3, 0x6B, 0x96, 0xD5, 0xDA, 0x0C,
            0xAB, 0x1A, 0x18, 0x43, 0xB5, 0x99, 0x42, 0x19, 0x98, 0x19, 0xC4, 0x00, 0x79, 0xB0, 0x07, 0x67, 0x9D, 0x27, 0x21, 0xBD,
            0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82, 0x27, 0xF3, 0x6C, 0x35,
        ]
        let image = try PNGImage(parsing: Data(bytes), file: URL(fileURLWithPath: "found.png"))
        #expect(image.width == 53 && image.height == 9)
        let digit = try MNIST.digit(from: image)
        #expect(digit.count == 784 && digit.contains { $0 > 0 })
    }

    @Test func aBlankPictureHoldsNoDigit() {
        for level: UInt8 in [0, 128, 255] {
            #expect { try MNIST.digit(from: PNGImage(width: 5, height: 5, channels: 1, samples: Array(repeating: level, count: 25))) } throws: {
                "\($0)".contains("the picture holds no digit")
            }
        }
    }
}
