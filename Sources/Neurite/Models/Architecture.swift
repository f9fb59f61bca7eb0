import Foundation

/// A model written as text, one layer after another:
///
///     dense(128, relu) dense(10)
///     reshape(1,28,28) conv(6, 5, padding: 2) relu maxpool(2) flatten dense(10)
///     embedding(64, 16) lstm(128) dense(64)
///
/// Each layer is a name, optionally followed by arguments in parentheses (positional first, then
/// `key: value`). Input sizes are inferred from the shape of one sample, so only output sizes
/// are written. The text is saved with a trained model, which is how `neurite evaluate` rebuilds
/// the network before loading its weights, and how users try a new architecture without Swift.
public struct Architecture: Sendable, CustomStringConvertible {
    /// One layer of the description.
    public struct LayerSpecification: Sendable, CustomStringConvertible {
        /// The layer word, lowercased (`dense`, `conv`, `relu`, …).
        public let name: String
        /// Positional arguments, in order, as written.
        public let arguments: [String]
        /// Named arguments (`padding: 2`), keys lowercased.
        public let options: [String: String]

        public var description: String {
            let all = arguments + options.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
            return all.isEmpty ? name : "\(name)(\(all.joined(separator: ", ")))"
        }

        /// The positional argument at `index` as an integer, or `fallback` when absent.
        public func integer(_ index: Int, named name: String, default fallback: Int? = nil) throws -> Int {
            let text = index < arguments.count ? arguments[index] : options[name]
            guard let text else {
                guard let fallback else { throw ArchitectureError.invalidArgument(self.name, "missing \(name)") }
                return fallback
            }
            guard let value = Int(text), value >= 0 else { throw ArchitectureError.invalidArgument(self.name, "\(name) '\(text)' is not a count") }
            guard value <= Architecture.largestArgument else {
                throw ArchitectureError.invalidArgument(self.name, "\(name) \(value) exceeds the limit of \(Architecture.largestArgument)")
            }
            return value
        }
    }

    /// The layers in the order data flows through them.
    public let layers: [LayerSpecification]

    /// Parses a description.
    /// - Throws: ``ArchitectureError`` for unbalanced parentheses, an empty description or an
    ///   unknown layer name.
    public init(_ text: String) throws {
        // A NUL ends the text strtof sees: `dropout(0.5\0zz)` read as dropout(0.5), and no other
        // control character has a use in a description either.
        if let control = text.unicodeScalars.first(where: { $0.properties.generalCategory == .control && !"\t\n\r".unicodeScalars.contains($0) }) {
            throw ArchitectureError.syntax("unexpected control character U+\(String(format: "%04X", control.value)) in the description")
        }
        var layers: [LayerSpecification] = []
        var rest = Substring(text)
        while true {
            rest = rest.drop { $0.isWhitespace || $0 == "," || $0 == ">" || $0 == "-" }
            guard let first = rest.first else { break }
            guard first.isLetter else { throw ArchitectureError.syntax("unexpected '\(first)' in \"\(text)\"") }
            let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            rest = rest.dropFirst(name.count)
            var arguments: [String] = [], options: [String: String] = [:]
            if rest.first == "(" {
                guard let close = rest.firstIndex(of: ")") else { throw ArchitectureError.syntax("missing ')' after \(name)") }
                for part in rest[rest.index(after: rest.startIndex)..<close].split(separator: ",") {
                    // Empty pieces kept, so that ":" alone is two empty pieces, not none (found by fuzzing).
                    let pieces = part.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                        .map { $0.trimmingCharacters(in: .whitespaces) }
                    if pieces.count == 2 {
                        guard !pieces[0].isEmpty else { throw ArchitectureError.syntax("expected 'name: value' in \(name)(\(part)), found no name") }
                        options[pieces[0].lowercased()] = pieces[1]
                    } else if !pieces[0].isEmpty {
                        arguments.append(pieces[0])
                    }
                }
                rest = rest[rest.index(after: close)...]
            }
            let lowered = name.lowercased()
            guard Architecture.builders[lowered] != nil else {
                throw ArchitectureError.unknownLayer(String(name), known: Architecture.builders.keys.sorted())
            }
            layers.append(LayerSpecification(name: lowered, arguments: arguments, options: options))
        }
        guard !layers.isEmpty else { throw ArchitectureError.syntax("the description has no layers") }
        self.layers = layers
    }

    public var description: String { layers.map(\.description).joined(separator: " ") }

    /// The model for samples of `inputShape` (without the batch dimension).
    ///
    /// An activation layer right after a `conv` without one of its own is fused into the
    /// convolution (`conv(6, 5) relu` runs as `conv(6, 5, relu)` followed by an identity), with the
    /// weights initialised as written. The results and gradients are the same, but the separate
    /// element-wise passes over the largest tensors of the network disappear: for LeNet-5 at batch
    /// 64 that is 0.4 M floats mapped forward and zipped backward per step. The description is
    /// unchanged, so a saved model still records the text the user gave.
    /// - Parameter batchSize: the most samples the model will be run on at once: training
    ///   batches, and the ``inferenceBatchSize`` of ``Layer/predict(_:batchSize:)`` and evaluation.
    /// - Throws: ``ArchitectureError`` when a layer cannot take the shape its predecessor
    ///   produces, or when a sample, the model's parameters or a training step of `batchSize`
    ///   samples would exceed ``SizeLimit`` (checked before each layer is allocated; the step as
    ///   ``StepFootprint`` estimates it).
    public func build(inputShape: [Int], seed: UInt64, batchSize: Int = 1) throws -> Sequential {
        try buildWithOutputShape(inputShape: inputShape, seed: seed, batchSize: batchSize).model
    }

    /// The model and the shape of its output for one sample.
    func buildWithOutputShape(inputShape: [Int], seed: UInt64, batchSize: Int) throws -> (model: Sequential, output: [Int]) {
        try Architecture.checkSample(inputShape, after: "the input")
        var footprint = try StepFootprint(batchSize: batchSize, inputShape: inputShape)
        var shape = inputShape
        var parameterCount = 0
        var built: [any Layer] = []
        var absorbedNext = false
        for (index, layer) in layers.enumerated() {
            if absorbedNext {
                // The convolution before already applies it; `.linear` keeps the layer count and
                // thereby the parameter paths (`layers.4.weight`) that saved models use.
                built.append(Activation.linear)
                absorbedNext = false
                continue
            }
            parameterCount = try Architecture.checkParameters(of: layer, input: shape, total: parameterCount)
            let layerSeed = seed &+ UInt64(index) &* 7919
            let next = index + 1 < layers.count ? Activation(rawValue: layers[index + 1].name) : nil
            if layer.name == "conv", let next, let fused = try Architecture.convolution(layer, shape, layerSeed, fusing: next) {
                built.append(fused.layer)
                try Architecture.checkSample(fused.output, after: layer.description)
                try footprint.add(fused.layer, input: shape, output: fused.output, named: layer.description)
                shape = fused.output
                absorbedNext = true
                continue
            }
            let (made, output) = try Architecture.builders[layer.name]!(layer, shape, layerSeed)
            built.append(made)
            try Architecture.checkSample(output, after: layer.description)
            try footprint.add(made, input: shape, output: output, named: layer.description)
            shape = output
        }
        return (Sequential(built), shape)
    }

    /// Makes one layer for an input of the given sample shape, returning it and its output shape.
    public typealias Builder = @Sendable (LayerSpecification, _ inputShape: [Int], _ seed: UInt64) throws -> (any Layer, [Int])

    static let builders: [String: Builder] = coreBuilders.merging(convolutionalBuilders) { first, _ in first }
        .merging(recurrentBuilders) { first, _ in first }

    static let coreBuilders: [String: Builder] = {
        var builders: [String: Builder] = [
            "dense": { layer, input, seed in
                // [time, features] samples (a recurrent layer's sequence): the same dense layer at every step.
                guard input.count == 1 || input.count == 2 else {
                    throw ArchitectureError.invalidArgument("dense", "needs flat samples or sequences, got \(input); add flatten before it")
                }
                let units = try layer.integer(0, named: "units")
                guard units > 0 else { throw ArchitectureError.invalidArgument("dense", "needs at least one unit") }
                let words = Array(layer.arguments.dropFirst()) + [layer.options["activation"], layer.options["initializer"]].compactMap { $0 }
                var activation = Activation.linear
                var initializer: Initializer?
                for word in words {
                    if let parsed = Activation(rawValue: word.lowercased()) { activation = parsed }
                    else if let parsed = Initializer(name: word) { initializer = parsed }
                    else { throw ArchitectureError.invalidArgument("dense", "'\(word)' is neither an activation nor an initializer") }
                }
                return (Dense(input[input.count - 1], units, activation: activation, initializer: initializer, seed: seed), Array(input.dropLast()) + [units])
            },
            // Sample shapes are checked after every layer, so their element counts cannot overflow.
            "flatten": { _, input, _ in (Flatten(), [input.reduce(1, *)]) },
            "reshape": { layer, input, _ in
                let shape = try layer.arguments.indices.map { try layer.integer($0, named: "dimension") }
                guard SizeLimit.elementCount(shape) == input.reduce(1, *) else {
                    throw ArchitectureError.invalidArgument("reshape", "\(shape) does not hold the \(input.reduce(1, *)) values of \(input)")
                }
                return (Reshape(shape), shape)
            },
        ]
        for activation in Activation.allCases {
            builders[activation.rawValue] = { _, input, _ in (activation, input) }
        }
        return builders
    }()
}

/// What is wrong with an architecture description.
public enum ArchitectureError: Error, Equatable, CustomStringConvertible {
    case syntax(String)
    case unknownLayer(String, known: [String])
    case invalidArgument(String, String)
    /// The model cannot serve the task: its output does not match the classes, it has nothing
    /// to train, or it would not fit in memory.
    case unsuitable(String)

    public var description: String {
        switch self {
        case let .syntax(message): return "architecture: \(message)"
        case let .unknownLayer(name, known): return "architecture: unknown layer '\(name)' (known: \(known.joined(separator: ", ")))"
        case let .invalidArgument(layer, message): return "architecture: \(layer): \(message)"
        case let .unsuitable(message): return "architecture: \(message)"
        }
    }
}
