import ArgumentParser
import Foundation
import Neurite

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a saved model on new inputs: CSV rows for a model trained by 'train csv', pictures (PNG) or IDX images for an MNIST model, or a tensor in a safetensors file.",
        discussion: """
            Prints, per input: the class probabilities and the label (multiclass, MNIST), the probability and \
            the label (binary), the values (regression), or each label's probability and the labels over the \
            threshold (multilabel). CSV columns are found by name; other columns are ignored. \
            A PNG picture of a digit (dark on light or light on dark, any size) is prepared as MNIST's \
            digits were: fitted into 20×20 pixels and centred by its centre of mass in 28×28. \
            A safetensors input holds a batch already scaled as the model expects ([samples, …input shape]); \
            the raw outputs are written to --output, so what a model computes can be compared with another \
            framework's run of the same model (scripts/check_onnx.py does).
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

    @Argument(help: "A model saved by 'neurite train … --output' (or an ONNX model, .onnx).")
    var model: String

    @Argument(help: "A CSV file with the model's feature columns (- reads standard input), PNG pictures or an IDX image file for an MNIST model, or a .safetensors file holding a batch of inputs.")
    var inputs: [String]

    /// The one input of a table, IDX or safetensors prediction.
    private var input: String { inputs[0] }

    /// Whether the inputs are pictures, by their names.
    private var arePictures: Bool { inputs.allSatisfy { $0.lowercased().hasSuffix(".png") } }

    @Option(help: "For a safetensors input: the name of the inputs' tensor.")
    var tensor = "images"

    @Option(help: "For a safetensors input: where to write the raw outputs (safetensors, one tensor named 'outputs').")
    var output: String?

    @Option(help: "Output format: table, csv or json.")
    var format: Format = .table

    @Option(help: "Probability from which a binary or multi-label prediction counts as 1.")
    var threshold: Float = 0.5

    @Flag(help: "For PNG pictures: first print each as the network sees it, the prepared 28×28 digit in characters.")
    var show = false

    func validate() throws {
        guard (0...1).contains(threshold) else { throw ValidationError("--threshold must be in [0, 1]") }
        guard !inputs.isEmpty else { throw ValidationError("expected an input: a CSV table, PNG pictures, an IDX file or a .safetensors batch") }
        if inputs.count > 1, !arePictures {
            throw ValidationError("expected one input, or PNG pictures (any number), found \(inputs.count) inputs: \(inputs.joined(separator: " "))")
        }
        if show, !arePictures || format != .table {
            // csv and json stay machine-readable: no drawings among their rows.
            let found = arePictures ? "--format \(format.rawValue)" : "inputs that are not PNG pictures"
            throw ValidationError("--show: expected PNG pictures and the table format, found \(found)")
        }
        if input.hasSuffix(".safetensors"), output == nil {
            throw ValidationError("--output: a safetensors input needs a file to write the outputs to")
        }
    }

    func run() throws {
        try OutputProbe.check(output, notOverwriting: [model] + inputs)
        if let output, input.hasSuffix(".safetensors") { return try writeRawOutputs(to: output) }
        print(try predictions().formatted(format))
    }

    /// The model's outputs for a batch stored in a safetensors file, written unchanged.
    private func writeRawOutputs(to output: String) throws {
        let saved = try SavedModel(path: model)
        let (tensors, _) = try Safetensors.read(from: URL(fileURLWithPath: input))
        guard let batch = tensors[tensor] else {
            throw ValidationError("\(input) has no tensor named '\(tensor)' (it has \(tensors.keys.sorted().joined(separator: ", ")))")
        }
        guard batch.rank >= 1, Array(batch.shape.dropFirst()) == saved.inputShape else {
            throw ValidationError("'\(tensor)' has shape \(batch.shape); the model takes [samples, \(saved.inputShape.map(String.init).joined(separator: ", "))]")
        }
        // NaN in would be NaN out, which the writer refuses as if the model had diverged: name the input.
        if let sample = firstNonFiniteSample(batch) {
            throw CommandLineError(subject: input, message: "expected finite inputs, found NaN or infinity in '\(tensor)' at sample \(sample)")
        }
        let outputs = try saved.network(batchSize: inferenceBatchSize).predict(batch)
        if let sample = firstNonFiniteSample(outputs) {
            throw CommandLineError(subject: model, message: "the outputs for sample \(sample) are NaN or infinite (its inputs are finite); nothing was written")
        }
        try Safetensors.write([("outputs", outputs)], to: URL(fileURLWithPath: output))
        print("wrote \(output): outputs \(outputs.shape)")
    }

    /// The 1-based sample of `batch` (`[samples, …]`) holding the first NaN or infinity, if any.
    private func firstNonFiniteSample(_ batch: Tensor) -> Int? {
        guard !batch.isFinite else { return nil }
        let index = batch.scalars.firstIndex { !$0.isFinite } ?? 0
        return index / max(batch.count / max(batch.shape[0], 1), 1) + 1
    }

    /// The model's predictions for the input's rows or images.
    func predictions() throws -> PredictionRows {
        let saved = try SavedModel(path: model)
        let network = try saved.network(batchSize: inferenceBatchSize)
        let url = InputPath.url(input)
        if let task = try saved.task() {
            if arePictures {
                throw CommandLineError(subject: model, message: "expected an MNIST model for PNG pictures, found a model of a CSV table (task \(task.rawValue))")
            }
            let outputs = try task.probabilities(network.predict(saved.inputs(from: CSVTable(contentsOf: url))))
            return PredictionRows(task: task, outputs: outputs, targets: try saved.names(SavedModel.Key.targets), threshold: threshold)
        }
        if arePictures {
            let outputs = try softmax(network.predict(try pictures(saved: saved)))
            return PredictionRows(task: .multiclass, outputs: outputs, targets: [], threshold: threshold).named(inputs, column: "image")
        }
        let outputs = try softmax(network.predict(try images(url, saved: saved)))
        return PredictionRows(task: .multiclass, outputs: outputs, targets: [], threshold: threshold)
    }

    /// The PNG pictures as MNIST digits (``MNIST/digit(from:)``), scaled as the model's training
    /// images were.
    private func pictures(saved: SavedModel) throws -> Tensor {
        guard saved.inputShape.reduce(1, *) == 784 else {
            throw CommandLineError(subject: model, message: "expected an MNIST model of 784 inputs (28×28 pixels) for PNG pictures, found input shape \(saved.inputShape)")
        }
        let digits = try inputs.map { path in
            let url = URL(fileURLWithPath: path)
            do { return try MNIST.digit(from: PNGImage(contentsOf: url)) } catch let error as TensorError {
                throw CommandLineError(subject: url.path, message: error.description)
            }
        }
        if show { for (path, digit) in zip(inputs, digits) { print(path + ":\n" + Self.drawing(of: digit)) } }
        return try scaled(digits.flatMap { $0 }, images: inputs.count, saved: saved)
    }

    /// A 28×28 digit in characters, denser characters for more ink, two per pixel so that it
    /// keeps its proportions in a terminal; each of the 28 lines without its trailing blanks.
    static func drawing(of digit: [UInt8]) -> String {
        let ramp = Array(" .:-=+*#%@")
        return (0..<28).map { row in
            let line = String(digit[row * 28..<(row + 1) * 28].flatMap { value in
                Array(repeating: ramp[Int(value) * (ramp.count - 1) / 255], count: 2)
            })
            return String(line.reversed().drop { $0 == " " }.reversed())
        }.joined(separator: "\n")
    }

    /// The images of an IDX file, scaled as the model's training images were.
    private func images(_ url: URL, saved: SavedModel) throws -> Tensor {
        let file = try IDXFile(contentsOf: url)
        let pixels = file.dimensions.dropFirst().reduce(1, *)
        guard file.dimensions.count >= 2, pixels == saved.inputShape.reduce(1, *) else {
            throw ValidationError("\(input): images of \(file.dimensions.dropFirst().map(String.init).joined(separator: "×")) pixels do not fit the model's input \(saved.inputShape)")
        }
        return try scaled(file.bytes, images: file.dimensions[0], saved: saved)
    }

    /// The pixels of `images` images as the model's inputs, scaled as its training images were.
    private func scaled(_ pixels: [UInt8], images: Int, saved: SavedModel) throws -> Tensor {
        let (mean, deviation) = try pixelStatistics(saved)
        let scale = 1 / (255 * deviation), shift = mean / deviation
        return try Tensor(shape: [images] + saved.inputShape, scalars: pixels.map { Float($0) * scale - shift })
    }

    /// The pixel mean and standard deviation the model was trained with: stored in the model
    /// by 'train mnist', or, for a model saved without them (import-torch), those of the bundled
    /// MNIST copy. Stored values that are not a finite mean and a positive deviation are refused:
    /// they would turn every image into NaN.
    private func pixelStatistics(_ saved: SavedModel) throws -> (Float, Float) {
        let meanText = saved.metadata[SavedModel.Key.pixelMean], deviationText = saved.metadata[SavedModel.Key.pixelStandardDeviation]
        if meanText != nil || deviationText != nil {
            guard let mean = meanText.flatMap(Float.init), let deviation = deviationText.flatMap(Float.init),
                  mean.isFinite, deviation.isFinite, deviation > 0 else {
                throw SerializationError.mismatch(saved.url, reason: "expected a finite pixel mean and a positive standard deviation, found '\(meanText ?? "none")' and '\(deviationText ?? "none")'")
            }
            return (mean, deviation)
        }
        let bundled = try MNIST.load()
        return (bundled.pixelMean, bundled.pixelStandardDeviation)
    }
}
