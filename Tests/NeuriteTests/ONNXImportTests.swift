import Foundation
import Testing
@testable import Neurite

/// ONNX files into Neurite models: PyTorch's exporter's files (made by
/// `scripts/make_onnx_fixtures.py`), Neurite's own export read back, graphs written here node by
/// node, and bytes that are not ONNX at all.
@Suite("ONNX import")
struct ONNXImportTests {
    static func fixture(_ name: String) throws -> ONNXImport {
        try ONNXImport(contentsOf: Bundle.module.url(forResource: name, withExtension: "onnx", subdirectory: "Fixtures/onnx")!)
    }

    static func maximumDifference(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
    }

    /// The files PyTorch 2.15's exporter wrote for the LeNet-5 and batch-normalised nets of the
    /// PyTorch fixtures give PyTorch's logits. (Its optimizer folds BatchNorm into the
    /// convolution and Gemm before them, so the second file has no BatchNormalization left.)
    @Test(arguments: [
        ("lenet", "reshape(1, 28, 28) conv(6, 5, padding: 2) relu maxpool(2) conv(16, 5) relu maxpool(2) flatten dense(120, relu) dense(84, relu) dense(10)"),
        ("batchnorm", "reshape(1, 28, 28) conv(4, 3) relu maxpool(2) flatten dense(32, relu) dense(10)"),
    ])
    func pyTorchsExportGivesPyTorchsLogits(name: String, architecture: String) throws {
        let imported = try Self.fixture(name)
        #expect(imported.architecture.description == architecture)
        #expect(imported.sampleShape == [784])
        let samples = try PyTorchInteropTests.fixture("mnist-test-100")
        let logits = try imported.model.predict(samples["images"]!)
        #expect(logits.shape == [100, 10])
        #expect(Self.maximumDifference(logits, samples["\(name).logits"]!) <= 1e-4)
    }

    /// Every operator Neurite exports, read back: the same text (up to how it is written) and
    /// the same outputs, with batch statistics that are not the identity.
    @Test(arguments: [
        ("dense(16, relu) dense(8, sigmoid) dense(6, tanh) dense(4, softmax)", [12], "dense(16, relu) dense(8, sigmoid) dense(6, tanh) dense(4, softmax)"),
        ("reshape(1,12,12) conv(4,3,2,padding:same) batchnorm tanh conv(3,3,padding:1) sigmoid maxpool(3,1,padding:1) avgpool(2) globalavgpool dense(5) batchnorm dropout(0.3) dense(4)",
         [144],
         "reshape(1, 12, 12) conv(4, 3, 2, padding: same) batchnorm tanh conv(3, 3, padding: 1) sigmoid maxpool(3, 1, padding: 1) avgpool(2) globalavgpool dense(5) batchnorm dense(4)"),
        ("conv(2,3,dilation:2) relu avgpool(2,padding:1) flatten dense(3)", [1, 9, 9],
         "conv(2, 3, dilation: 2) relu avgpool(2, 2, padding: 1) flatten dense(3)"),
    ])
    func neuritesExportReadsBackAsTheSameModel(text: String, sampleShape: [Int], importedText: String) throws {
        let model = try Architecture(text).build(inputShape: sampleShape, seed: 3)
        var generator = RandomGenerator(seed: 9)
        for case let norm as BatchNorm in PortableLayer.flattened(model) {
            norm.runningMean.value = Tensor.randomNormal([norm.featureCount], using: &generator)
            norm.runningVariance.value = Tensor.full([norm.featureCount], 0.5) + Tensor.randomUniform([norm.featureCount], using: &generator)
            norm.gamma = Tensor.randomNormal([norm.featureCount], using: &generator)
        }
        let imported = try ONNXImport(bytes: model.onnxModel(sampleShape: sampleShape))
        #expect(imported.architecture.description == importedText)
        #expect(imported.sampleShape == sampleShape)
        let inputs = Tensor.randomNormal([5] + sampleShape, using: &generator)
        #expect(Self.maximumDifference(try imported.model.predict(inputs), try model.predict(inputs)) <= 1e-6)
    }

    /// A graph as other exporters write it: MatMul then Add for a dense layer (the Add's operands
    /// either way round), shapes from Constant nodes, Reshape with 0 and -1, an Identity, a
    /// Flatten with a negative axis. The outputs are computed here by hand.
    @Test func matrixProductsConstantsAndReshapesAsOtherExportersWriteThem() throws {
        var model = ONNXModel(inputShape: [2, 3])
        model.initializers = [
            ONNXTensor(name: "w", shape: [6, 2], values: .float([1, 0, 0, 1, 1, 1, -1, 0, 0, -1, 2, 3])),
            ONNXTensor(name: "b", shape: [1, 2], values: .float([0.5, -0.5])),
        ]
        model.nodes = [
            ONNXNode(operation: "Constant", inputs: [], outputs: ["shape"], name: "", attributes: [.tensor("value", ONNXTensor(name: "", shape: [3], values: .int64([0, 3, -1])))]),
            ONNXNode(operation: "Reshape", inputs: ["input", "shape"], outputs: ["r"], name: "view"),
            ONNXNode(operation: "Identity", inputs: ["r"], outputs: ["i"], name: ""),
            ONNXNode(operation: "Flatten", inputs: ["i"], outputs: ["f"], name: "", attributes: [.int("axis", -2)]),
            ONNXNode(operation: "MatMul", inputs: ["f", "w"], outputs: ["m"], name: ""),
            ONNXNode(operation: "Add", inputs: ["b", "m"], outputs: ["a"], name: ""),
            ONNXNode(operation: "Relu", inputs: ["a"], outputs: [ONNXModel.output], name: ""),
        ]
        let imported = try ONNXImport(bytes: model.encoded())
        #expect(imported.architecture.description == "reshape(3, 2) flatten dense(2, relu)")
        let input = try Tensor(shape: [2, 2, 3], scalars: [1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 1])
        // [1 2 3 4 5 6]·w = [1 + 3 − 4 + 12, 2 + 3 − 5 + 18] = [12, 18]; [0 0 0 0 0 1]·w = [2, 3]; plus b.
        #expect(try imported.model.predict(input).scalars == [12.5, 17.5, 2.5, 2.5])
    }

    /// Gemm's alpha scales the product and beta the bias; B is `[in, out]` without transB, as
    /// Neurite writes it, and a bias of one value is broadcast. Computed here by hand.
    @Test func gemmsScalesTranspositionAndBroadcastBiasAreApplied() throws {
        var model = ONNXModel(inputShape: [2])
        model.initializers = [ONNXTensor(name: "b", shape: [2, 3], values: .float([1, 2, 3, 4, 5, 6])), ONNXTensor(name: "c", shape: [1], values: .float([10]))]
        model.nodes = [ONNXNode(operation: "Gemm", inputs: ["input", "b", "c"], outputs: [ONNXModel.output], name: "", attributes: [.float("alpha", 2), .float("beta", 0.5)])]
        let imported = try ONNXImport(bytes: model.encoded())
        #expect(imported.architecture.description == "dense(3)")
        // [1, −1]·B = [1 − 4, 2 − 5, 3 − 6] = [−3, −3, −3]; × 2 + 0.5 × 10.
        #expect(try imported.model.predict(Tensor(shape: [1, 2], scalars: [1, -1])).scalars == [-1, -1, -1])
        model.nodes[0] = ONNXNode(operation: "Gemm", inputs: ["input", "b", "c"], outputs: [ONNXModel.output], name: "", attributes: [.float("alpha", 1e38), .int("transA", 0)])
        #expect { try ONNXImport(bytes: model.encoded()) } throws: { "\($0)".contains("past the range of Float") }
    }

    /// The forms protobuf allows for the same values read alike: packed and unpacked repeated
    /// fields, floats in `float_data` and in `raw_data`, doubles rounded, int32 as integers, an
    /// attribute without its `type`, and fields Neurite does not know skipped.
    @Test func theWireFormatsAlternativesReadAlike() throws {
        var writer = ProtobufWriter()
        for size in [2, 3] { writer.int(1, size) }  // dims, unpacked
        writer.int(2, 1)
        writer.bytes(4, [1, 2, 3, 4, 5, 6].flatMap { value in withUnsafeBytes(of: Float(value).bitPattern.littleEndian) { Array($0) } })  // packed float_data
        writer.string(8, "t")
        writer.string(12, "documentation, skipped")
        let floats = try ONNXTensor(decoding: ProtobufReader(writer.bytes))
        #expect(floats.shape == [2, 3])
        guard case let .float(values) = floats.values else { Issue.record("not floats"); return }
        #expect(values == [1, 2, 3, 4, 5, 6])

        var doubles = ProtobufWriter()
        var packedDimensions = ProtobufWriter()
        packedDimensions.appendVarint(3)
        doubles.bytes(1, packedDimensions.bytes)  // dims, packed
        doubles.int(2, 11)
        doubles.bytes(9, [0.5, -2, 1e-3].flatMap { value in withUnsafeBytes(of: Double(value).bitPattern.littleEndian) { Array($0) } })
        guard case let .float(converted) = try ONNXTensor(decoding: ProtobufReader(doubles.bytes)).values else { Issue.record("not floats"); return }
        #expect(converted == [0.5, -2, Float(1e-3)])

        var integers = ProtobufWriter()
        integers.int(1, 2)
        integers.int(2, 6)
        integers.int(5, -1)
        integers.int(5, 300)
        guard case let .int64(read) = try ONNXTensor(decoding: ProtobufReader(integers.bytes)).values else { Issue.record("not integers"); return }
        #expect(read == [-1, 300])

        var attribute = ProtobufWriter()
        attribute.string(1, "pads")
        var packed = ProtobufWriter()
        for value in [1, 1, 2, 2] { packed.appendVarint(UInt64(value)) }
        attribute.bytes(8, packed.bytes)  // no type field (files from before it existed), packed ints
        guard case let .ints(name, pads) = try ONNXNode.Attribute(decoding: ProtobufReader(attribute.bytes)) else { Issue.record("not ints"); return }
        #expect(name == "pads" && pads == [1, 1, 2, 2])
    }

    /// A small valid file cut at every length, and with each byte set to 0xFF in turn: always a
    /// typed error or a model, never a trap or a hang.
    @Test func everyTruncationAndDamagedByteIsAnErrorOrAModel() throws {
        let bytes = try Architecture("reshape(1,3,3) conv(2,2) relu maxpool(2) flatten dense(2)").build(inputShape: [9], seed: 1).onnxModel(sampleShape: [9])
        for length in 0..<bytes.count {
            #expect(throws: InteropError.self) { try ONNXImport(bytes: Array(bytes[..<length])) }
        }
        var models = 0
        for index in bytes.indices {
            var damaged = bytes
            damaged[index] = 0xFF
            do {
                _ = try ONNXImport(bytes: damaged)
                models += 1
            } catch is InteropError {
            } catch is ArchitectureError {
            }
        }
        // A damaged weight byte is still a model; a damaged length, key or name is not.
        #expect(models > 0 && models < bytes.count)
    }

    /// Sizes a file only claims are checked against the bytes it has before anything is allocated.
    @Test func claimedSizesAreCheckedAgainstTheBytesThere() {
        var huge = ProtobufWriter()
        for size in [1 << 20, 1 << 20] { huge.int(1, size) }  // 2^40 floats
        huge.int(2, 1)
        huge.string(8, "huge")
        huge.bytes(9, [0, 0, 0, 0])
        #expect { try ONNXTensor(decoding: ProtobufReader(huge.bytes)) } throws: {
            "\($0)" == "expected an ONNX model, found tensor huge of shape [1048576, 1048576] needs 1099511627776 values of 4 bytes, found 4 bytes"
        }
        var overflow = ProtobufWriter()
        for size in [1 << 40, 1 << 40] { overflow.int(1, size) }
        overflow.int(2, 1)
        #expect { try ONNXTensor(decoding: ProtobufReader(overflow.bytes)) } throws: { "\($0)".contains("has dimensions [1099511627776, 1099511627776]") }
        // A length of 2^62 in the first field of the file.
        var writer = ProtobufWriter()
        writer.appendVarint(7 << 3 | 2)
        writer.appendVarint(1 << 62)
        #expect { try ONNXImport(bytes: writer.bytes) } throws: {
            "\($0)" == "expected an ONNX model, found a field of 4611686018427387904 bytes where 0 are left at byte 0"
        }
        #expect { try ONNXImport(bytes: [0x0B]) } throws: { "\($0)" == "expected an ONNX model, found wire type 3 of field 1 at byte 0" }
        #expect { try ONNXImport(bytes: Array(repeating: 0xFF, count: 11)) } throws: { "\($0)".contains("a number longer than 64 bits") }
        #expect { try ONNXImport(bytes: []) } throws: { "\($0)" == "expected an ONNX model, found no graph (a ModelProto's field 7) in 0 bytes" }
    }

    /// Graphs that are valid ONNX but not a chain of Neurite's layers, refused with the node and
    /// the reason.
    @Test(arguments: [
        ([ONNXNode(operation: "Shape", inputs: ["input"], outputs: ["output"], name: "s")],
         "cannot be imported: node 1 (Shape 's') has no Neurite layer"),
        ([ONNXNode(operation: "Relu", inputs: ["input"], outputs: ["r"], name: ""), ONNXNode(operation: "Add", inputs: ["r", "input"], outputs: ["output"], name: "skip")],
         "cannot be imported: node 2 (Add 'skip') adds something other than the bias of the MatMul right before it"),
        ([ONNXNode(operation: "Relu", inputs: ["input"], outputs: ["r"], name: ""), ONNXNode(operation: "Relu", inputs: ["input"], outputs: ["output"], name: "branch")],
         "cannot be imported: node 2 (Relu 'branch') reads 'input', not 'r' (the output of the node before it): Neurite imports chains of layers"),
        ([ONNXNode(operation: "Softmax", inputs: ["input"], outputs: ["output"], name: "", attributes: [.int("axis", 0)])],
         "cannot be imported: node 1 (Softmax) is over axis 0; Neurite's softmax is over the last"),
        ([ONNXNode(operation: "Reshape", inputs: ["input", "fixed"], outputs: ["output"], name: "")],
         "cannot be imported: node 1 (Reshape) reshapes to [1, 6], which fixes a batch size the graph's input does not; export with a dynamic batch dimension"),
        ([ONNXNode(operation: "Gemm", inputs: ["input", "w"], outputs: ["output"], name: "fc")],
         "cannot be imported: node 1 (Gemm 'fc') takes 4 features, but its input has samples of shape [6]"),
        ([ONNXNode(operation: "Gemm", inputs: ["input", "nan"], outputs: ["output"], name: "")],
         "the weights nan hold NaN or infinity"),
        ([ONNXNode(operation: "Relu", inputs: ["input"], outputs: ["r"], name: "", domain: "com.microsoft")],
         "cannot be imported: node 1 (Relu) is in the operator set com.microsoft, not ONNX's own"),
        ([ONNXNode(operation: "Relu", inputs: ["input"], outputs: ["r"], name: "")],
         "cannot be imported: the graph's output 'output' is not the last node's ('r')"),
    ])
    func graphsThatAreNotChainsOfLayersAreRefusedByNode(nodes: [ONNXNode], message: String) {
        var model = ONNXModel(inputShape: [6])
        model.initializers = [
            ONNXTensor(name: "fixed", shape: [2], values: .int64([1, 6])),
            ONNXTensor(name: "w", shape: [4, 3], values: .float(Array(repeating: 1, count: 12))),
            ONNXTensor(name: "nan", shape: [6, 1], values: .float([1, 2, .nan, 4, 5, 6])),
        ]
        model.nodes = nodes
        #expect { try ONNXImport(bytes: model.encoded()) } throws: { "\($0)".hasPrefix(message) }
    }

    /// What cannot be read at all: weights in another file, half-precision weights, a graph
    /// input of integers or without a fixed sample shape.
    @Test func whatNeuriteDoesNotReadIsNamed() throws {
        var external = ProtobufWriter()
        external.int(1, 2)
        external.int(2, 1)
        external.string(8, "fc.weight")
        external.int(14, 1)
        #expect { try ONNXTensor(decoding: ProtobufReader(external.bytes)) } throws: {
            "\($0)" == "cannot be imported: tensor fc.weight keeps its data in a separate file (external data); save the model with its weights inside"
        }
        var half = ProtobufWriter()
        half.int(1, 1)
        half.int(2, 10)
        half.string(8, "h")
        half.bytes(9, [0, 60])
        #expect { try ONNXTensor(decoding: ProtobufReader(half.bytes)) } throws: {
            "\($0)" == "cannot be imported: tensor h holds float16 values; Neurite reads float, double, int32 and int64 tensors"
        }
        #expect { try ONNXImport(bytes: Self.model(inputDimensions: [nil, nil])) } throws: {
            "\($0)" == "cannot be imported: the graph's input x has shape [?, ?]; every dimension after the batch must be a fixed, positive size"
        }
        #expect { try ONNXImport(bytes: Self.model(inputDimensions: [nil, 3], elementType: 7)) } throws: {
            "\($0)" == "cannot be imported: the graph's input x holds int64 values, not float"
        }
        #expect { try ONNXImport(bytes: Self.model(inputDimensions: [4])) } throws: {
            "\($0)" == "cannot be imported: the graph's input x has shape of rank 1; Neurite needs [batch, …sample]"
        }
        #expect(try ONNXImport(bytes: Self.model(inputDimensions: [nil, 3])).architecture.description == "relu")
    }

    /// An export traced on one sample without a dynamic dimension fixes the batch at 1 in its
    /// input and its reshapes ([1, 2, 3], [1, -1]); the imported model takes any batch.
    @Test func aBatchSizeFixedByTheExportIsTheBatch() throws {
        var model = ONNXModel(inputShape: [6])
        model.batchSize = 1
        model.initializers = [
            ONNXTensor(name: "image", shape: [3], values: .int64([1, 2, 3])), ONNXTensor(name: "flat", shape: [2], values: .int64([1, -1])),
            ONNXTensor(name: "wrong", shape: [2], values: .int64([2, 3])),
        ]
        model.nodes = [
            ONNXNode(operation: "Reshape", inputs: ["input", "image"], outputs: ["r"], name: ""),
            ONNXNode(operation: "Reshape", inputs: ["r", "flat"], outputs: [ONNXModel.output], name: ""),
        ]
        let imported = try ONNXImport(bytes: model.encoded())
        #expect(imported.architecture.description == "reshape(2, 3) flatten")
        var generator = RandomGenerator(seed: 2)
        let inputs = Tensor.randomNormal([4, 6], using: &generator)
        #expect(try imported.model.predict(inputs).scalars == inputs.scalars)
        model.nodes[0] = ONNXNode(operation: "Reshape", inputs: ["input", "wrong"], outputs: ["r"], name: "")
        #expect(throws: InteropError.self) { try ONNXImport(bytes: model.encoded()) }
    }

    /// A ModelProto written field by field: input `x` of the given dimensions (`nil`: symbolic),
    /// one Relu to `y`, opset 13.
    static func model(inputDimensions: [Int?], elementType: Int = 1) -> [UInt8] {
        var writer = ProtobufWriter()
        writer.message(7) { graph in
            graph.message(1) { node in
                node.string(1, "x")
                node.string(2, "y")
                node.string(4, "Relu")
            }
            graph.message(11) { value in
                value.string(1, "x")
                value.message(2) { type in
                    type.message(1) { tensor in
                        tensor.int(1, elementType)
                        tensor.message(2) { shape in
                            for dimension in inputDimensions {
                                shape.message(1) { if let dimension { $0.int(1, dimension) } else { $0.string(2, "n") } }
                            }
                        }
                    }
                }
            }
            graph.message(12) { $0.string(1, "y") }
        }
        writer.message(8) { $0.int(2, 13) }
        return writer.bytes
    }
}
