import Foundation

/// A model read from an ONNX file, as Neurite's layers: the architecture text it amounts to,
/// the shape of one input sample, and the model with the file's weights.
///
/// The graph must be a chain, each node reading the output of the one before it (and
/// constants), which is what PyTorch's exporter writes for an `nn.Sequential` or a model whose
/// `forward` calls its modules one after another (`torch.onnx.export`, whose default since
/// PyTorch 2.9 is the `torch.export`-based exporter), and what ``Sequential/onnxModel(sampleShape:)``
/// writes. Operators and what they become:
///
/// | ONNX | Neurite |
/// |---|---|
/// | Gemm, MatMul (+ Add of a bias) | `dense` |
/// | Conv (group 1, square kernel) | `conv` |
/// | BatchNormalization (inference) | `batchnorm` |
/// | Relu, Sigmoid, Tanh, Softmax (last axis) | the activation, fused into the dense layer before it |
/// | MaxPool, AveragePool, GlobalAveragePool | `maxpool`, `avgpool`, `globalavgpool` |
/// | Flatten, Reshape (batch dimension kept) | `flatten`, `reshape` |
/// | Dropout, Identity | nothing (they do nothing at inference) |
/// | Constant | a constant for the nodes that read it |
///
/// Weights go through ``Sequential/loadPyTorchStateDict(_:)``, since ONNX's Gemm and Conv keep
/// PyTorch's layouts.
///
/// ```swift
/// let imported = try ONNXImport(contentsOf: URL(fileURLWithPath: "lenet.onnx"))
/// print(imported.architecture)  // reshape(1,28,28) conv(6, 5, padding: 2) relu maxpool(2) …
/// let logits = try imported.model.predict(images)
/// ```
public struct ONNXImport {
    /// The model, weights loaded, in evaluation mode.
    public let model: Sequential
    /// The layers, as the text ``Architecture`` reads (and a saved model records).
    public let architecture: Architecture
    /// The shape of one input sample: the graph input's shape after its batch dimension.
    public let sampleShape: [Int]

    /// Reads the ONNX model in `url` (a file or a pipe).
    /// - Throws: ``SerializationError/unreadable(_:reason:)`` when the file cannot be read, or
    ///   when five times its size would exceed ``SizeLimit``: its bytes, the weights decoded from
    ///   them, those weights as the tensors of a `state_dict`, the model they are loaded into
    ///   (each about as large as the file), and a layer built on the way to follow the shapes
    ///   (measured: an 80 MB file of 20 M parameters peaked at 340 MB in `neurite import-onnx`,
    ///   its save included); what ``init(bytes:)`` throws.
    public init(contentsOf url: URL) throws {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try InputFile.contents(of: url, bytesPerByte: 5, what: "an ONNX file"))
        } catch let failure as InputFile.Failure {
            throw SerializationError.unreadable(url, reason: failure.reason)
        }
        try self.init(bytes: bytes)
    }

    /// Reads a serialized ONNX ModelProto.
    /// - Throws: ``InteropError/malformedONNX(_:)`` for bytes that are not an ONNX model (every
    ///   length and count is checked against the bytes there before anything is allocated);
    ///   ``InteropError/unsupportedONNX(_:)`` naming the node, and why, for a graph that is not a
    ///   chain of the operators above; ``InteropError/nonFinite(_:)`` for weights that hold NaN or
    ///   infinity; ``ArchitectureError`` when the model would not fit in memory.
    public init(bytes: [UInt8]) throws {
        let graph = try ONNXModel(decoding: bytes)
        var translation = try ONNXTranslation(graph)
        try translation.translate()
        architecture = try Architecture(translation.words.isEmpty ? "linear" : translation.words.joined(separator: " "))
        sampleShape = graph.inputShape
        model = try architecture.build(inputShape: sampleShape, seed: 0)
        try model.loadPyTorchStateDict(translation.stateDict)
        model.setMode(.evaluation)
    }
}
