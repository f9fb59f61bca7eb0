import Foundation

/// Records what happens inside each layer while a model trains, and warns when training is going
/// wrong in one of the ways the notes describe.
///
/// Every `interval` steps it measures, per layer: the gradient norm and largest |g|, the update-to-
/// weight ratio ‖ΔW‖/‖W‖ of the step, and, on a fixed probe batch run through a ``Sequential``'s
/// layers one by one, the mean and standard deviation of the layer's output and the fraction of
/// dead ReLU units. Each measurement becomes a ``DiagnosticsRecord``, kept in ``records`` and
/// written as one JSON line to the file given. It warns (once per layer and epoch) when
/// - the first layer's gradient norm is below 1e-3 of the last layer's (vanishing gradients),
/// - a layer's gradient norm grows 100× within an epoch (exploding gradients),
/// - all units of a layer are identical (the symmetry of a constant initialization never broke).
///
/// Use it around the optimizer's update:
/// ```swift
/// diagnostics.prepare(model, gradients: gradients, loss: loss.scalar)   // before the update
/// optimizer.update(&model, along: gradients)
/// try diagnostics.record(model)                                          // after it
/// ```
public final class TrainingDiagnostics {
    /// The measurements so far.
    public private(set) var records: [DiagnosticsRecord] = []
    /// The warnings so far, in the order they were raised.
    public private(set) var warnings: [String] = []
    /// Measure every this many steps.
    public let interval: Int

    let probeBatch: Tensor
    private let file: (url: URL, handle: FileHandle)?
    private let warn: (String) -> Void
    private var step = 0, epoch = 1
    private var pending: (layers: [LayerDiagnostics], weights: [(layer: String, value: Tensor)], loss: Double)?
    private var epochStartNorms: [String: Double] = [:]
    private var warned = Set<String>()

    /// - Parameters:
    ///   - probe: a fixed batch of inputs on which activations are measured.
    ///   - interval: measure every this many steps (the first step is always measured).
    ///   - file: write each record as a JSON line here (created or truncated).
    ///   - warn: receives each warning as it is raised (the CLI prints it).
    /// - Throws: ``SerializationError/unwritable(_:reason:)`` when `file` (or its folder) cannot
    ///   be created.
    public init(probe: Tensor, every interval: Int = 50, file: URL? = nil, warn: @escaping (String) -> Void = { _ in }) throws {
        precondition(interval > 0, "the diagnostics interval must be positive")
        self.probeBatch = probe.detached
        self.interval = interval
        self.warn = warn
        self.file = try file.map { ($0, try Self.openTruncated($0)) }
    }

    deinit { try? file?.handle.close() }

    /// `url` opened for writing, created or emptied. `open(2)` rather than
    /// `FileManager.createFile`, which writes a new file and renames it over the path: a symbolic
    /// link was replaced by a plain file, and a pipe (`--diagnostics >(jq …)`) could not be used.
    private static func openTruncated(_ url: URL) throws -> FileHandle {
        let folder = url.deletingLastPathComponent()
        // Only a missing folder is made; a file in its place is left for open(2) to name.
        if !FileManager.default.fileExists(atPath: folder.path) {
            do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
                throw SerializationError.unwritable(url, reason: describeFileError(error))
            }
        }
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw SerializationError.unwritable(url, reason: currentErrorText()) }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    /// Starts a new epoch: the 100×-growth check compares against the epoch's first norms.
    public func beginEpoch(_ number: Int) {
        epoch = number
        epochStartNorms = [:]
    }

    /// Takes this step's gradients, before the optimizer uses them. Only every `interval`-th
    /// step is measured; for the others this only counts the step.
    public func prepare<Model: Layer>(_ model: Model, gradients: Gradients, loss: Float) {
        step += 1
        guard (step - 1) % interval == 0 else { return }
        var layers: [LayerDiagnostics] = []
        var squares: [String: Double] = [:]
        for entry in gradients.entries {
            let name = DiagnosticsMeasurement.layerName(of: entry.name)
            let statistics = TensorStatistics(entry.gradient)
            if let index = layers.firstIndex(where: { $0.layer == name }) {
                layers[index].maximumGradient = max(layers[index].maximumGradient, Double(statistics.maximumMagnitude))
            } else {
                layers.append(LayerDiagnostics(layer: name, gradientNorm: 0, maximumGradient: Double(statistics.maximumMagnitude)))
            }
            squares[name, default: 0] += Double(statistics.norm) * Double(statistics.norm)
        }
        for index in layers.indices { layers[index].gradientNorm = squares[layers[index].layer, default: 0].squareRoot() }
        let weights = model.namedParameters.filter { DiagnosticsMeasurement.isWeight($0.name) }
            .map { (DiagnosticsMeasurement.layerName(of: $0.name), $0.parameter.value.detached) }
        pending = (layers, weights, Double(loss))
    }

    /// Completes the measurement prepared for this step, after the update: update ratios,
    /// activations on the probe batch, warnings, and the JSON line.
    /// - Throws: what the model throws on the probe batch, or
    ///   ``SerializationError/unwritable(_:reason:)`` when the line cannot be written (a full disk).
    public func record<Model: Layer>(_ model: Model) throws {
        guard let prepared = pending else { return }
        pending = nil
        var layers = prepared.layers
        let current = Dictionary(model.namedParameters.map { ($0.name, $0.parameter.value) }, uniquingKeysWith: { first, _ in first })
        for (layer, before) in prepared.weights {
            guard let index = layers.firstIndex(where: { $0.layer == layer }), let after = current[layer + ".weight"] else { continue }
            layers[index].updateToWeightRatio = DiagnosticsMeasurement.relativeChange(from: before, to: after)
        }
        try measureActivations(of: model, into: &layers)
        let record = DiagnosticsRecord(epoch: epoch, step: step, loss: prepared.loss, layers: layers)
        records.append(record)
        check(record, model: model)
        if let file {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            do { try file.handle.write(contentsOf: encoder.encode(record) + Data("\n".utf8)) } catch {
                throw SerializationError.unwritable(file.url, reason: describeFileError(error))
            }
        }
    }

    /// The layer's first gradient norm of this epoch (recording `norm` if it is the first).
    func noteEpochStart(_ layer: String, _ norm: Double) -> Double {
        if let start = epochStartNorms[layer] { return start }
        epochStartNorms[layer] = norm
        return norm
    }

    /// Records and reports `message`, unless a warning under `key` was already raised.
    func raise(_ key: String, _ message: String) {
        guard warned.insert(key).inserted else { return }
        warnings.append(message)
        warn(message)
    }
}
