import Foundation
import Neurite
import Testing
@testable import NeuriteCLI

/// `neurite predict MODEL a.png b.png`: pictures of digits prepared as MNIST's were and
/// classified, one row per picture, and every kind of bad picture named.
@Suite("neurite predict with pictures")
struct PredictPictureTests {
    static let folder: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-pictures-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }()

    /// A gray PNG written with deflate's stored blocks and CRC-32 and Adler-32 computed here: no
    /// zlib on this side, so the decoder is checked against a second implementation of each.
    static func grayPNG(width: Int, height: Int, pixels: [UInt8]) -> Data {
        var raw: [UInt8] = []
        for y in 0..<height { raw.append(0); raw += pixels[y * width..<(y + 1) * width] }
        var stream: [UInt8] = [0x78, 0x01], offset = 0
        repeat {
            let count = min(65535, raw.count - offset)
            stream += [offset + count == raw.count ? 1 : 0, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8(~count >> 8 & 0xFF)]
            stream += raw[offset..<offset + count]
            offset += count
        } while offset < raw.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        stream += bigEndian(b << 16 | a)
        func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in Array(type.utf8) + body {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = crc & 1 == 1 ? crc >> 1 ^ 0xEDB8_8320 : crc >> 1 }
            }
            return bigEndian(UInt32(body.count)) + Array(type.utf8) + body + bigEndian(~crc)
        }
        let header = bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 0, 0, 0, 0]
        return Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + chunk("IDAT", stream) + chunk("IEND", []))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }

    /// Dark strokes on light paper, `width` × `height`, inked where `ink` says.
    static func picture(_ name: String, width: Int = 50, height: Int = 70, ink: (Int, Int) -> Bool) throws -> URL {
        let url = folder.appendingPathComponent(name)
        let pixels = (0..<height).flatMap { y in (0..<width).map { x in ink(x, y) ? UInt8(20) : 235 } }
        try grayPNG(width: width, height: height, pixels: pixels).write(to: url)
        return url
    }

    func failure(_ arguments: [String]) -> String? {
        do {
            var command = try NeuriteCommand.parseAsRoot(arguments)
            try command.run()
            return nil
        } catch {
            return NeuriteCommand.message(for: error, arguments: arguments)
        }
    }

    @Test func classifiesEachPictureAsItsPreparedDigit() throws {
        let model = Self.folder.appendingPathComponent("mlp.safetensors")
        let architecture = try Architecture("dense(16, relu) dense(10)")
        let network = try architecture.build(inputShape: [784], seed: 3)
        try network.save(to: model, metadata: [
            SavedModel.Key.architecture: architecture.description, SavedModel.Key.inputShape: "784",
            SavedModel.Key.pixelMean: "0.125", SavedModel.Key.pixelStandardDeviation: "0.25",
        ])
        let one = try Self.picture("one.png") { x, y in (22..<28).contains(x) && (10..<60).contains(y) }
        let zero = try Self.picture("zero.png") { x, y in
            let distance = (pow(Double(x - 25) / 15, 2) + pow(Double(y - 35) / 24, 2)).squareRoot()
            return distance > 0.75 && distance < 1
        }
        let command = try #require(try NeuriteCommand.parseAsRoot(["predict", model.path, one.path, zero.path, "--format", "csv"]) as? Predict)
        let lines = try command.predictions().formatted(.csv).split(separator: "\n")
        #expect(lines.count == 3 && lines[0].hasPrefix("image,p(0),") && lines[1].hasPrefix(one.path + ",") && lines[2].hasPrefix(zero.path + ","))

        // The same numbers as the library's preparation, scaled by the model's pixel statistics.
        for (line, url) in zip(lines.dropFirst(), [one, zero]) {
            let digit = try MNIST.digit(from: PNGImage(contentsOf: url))
            let inputs = try Tensor(shape: [1, 784], scalars: digit.map { (Float($0) / 255 - 0.125) / 0.25 })
            let expected = try softmax(network.predict(inputs)).scalars
            let printed = line.split(separator: ",").dropFirst().prefix(10).map { Float($0)! }
            #expect(zip(printed, expected).allSatisfy { abs($0 - $1) < 1e-5 }, "\(printed) \(expected)")
        }
    }

    /// `--show` draws the prepared digit, two characters a pixel, darker for more ink.
    @Test func showsTheDigitAsTheNetworkSeesIt() throws {
        var digit = [UInt8](repeating: 0, count: 784)
        digit[0] = 255; digit[1] = 128; digit[28 * 27 + 27] = 30
        let lines = Predict.drawing(of: digit).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 28 && lines[0] == "@@==" && lines[13].isEmpty)
        #expect(lines[27] == String(repeating: " ", count: 54) + "..")
        #expect(failure(["predict", "m.safetensors", "a.png", "--show", "--format", "csv"])
            == "error: --show: expected PNG pictures and the table format, found --format csv")
        #expect(failure(["predict", "m.safetensors", "rows.csv", "--show"])
            == "error: --show: expected PNG pictures and the table format, found inputs that are not PNG pictures")
    }

    @Test func namesEachBadPicture() throws {
        let model = Self.folder.appendingPathComponent("plain.safetensors")
        let architecture = try Architecture("dense(10)")
        try SavedModel.save(try architecture.build(inputShape: [784], seed: 0), architecture: architecture, inputShape: [784], to: model.path)
        let blank = try Self.picture("blank.png") { _, _ in false }
        let text = Self.folder.appendingPathComponent("text.png")
        try Data("not a picture".utf8).write(to: text)
        #expect(failure(["predict", model.path, blank.path]) == "error: \(blank.path): the picture holds no digit: nothing in it differs from the paper by 10% of the range")
        #expect(failure(["predict", model.path, text.path]) == "error: \(text.path): expected a PNG image, found no PNG signature at the start of the file")
        #expect(failure(["predict", model.path, blank.path, "rows.csv"])
            == "error: expected one input, or PNG pictures (any number), found 2 inputs: \(blank.path) rows.csv")

        let table = Self.folder.appendingPathComponent("table.safetensors")
        let small = try Architecture("dense(1)")
        try small.build(inputShape: [3], seed: 0).save(to: table, metadata: [
            SavedModel.Key.architecture: small.description, SavedModel.Key.inputShape: "3", SavedModel.Key.task: "regression",
        ])
        #expect(failure(["predict", table.path, blank.path]) == "error: \(table.path): expected an MNIST model for PNG pictures, found a model of a CSV table (task regression)")
    }
}
