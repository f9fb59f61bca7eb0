import Foundation
import Testing
@testable import Neurite

/// PyTorch state_dicts in and out. The fixtures are made by `scripts/make_torch_fixtures.py`:
/// models trained briefly in PyTorch, 100 MNIST test images as fed to them, and their logits.
@Suite("PyTorch import and export")
struct PyTorchInteropTests {
    static func fixture(_ name: String) throws -> [String: Tensor] {
        let url = Bundle.module.url(forResource: name, withExtension: "safetensors", subdirectory: "Fixtures/torch")!
        return try Safetensors.read(from: url).tensors
    }

    static let batchNormArchitecture =
        "reshape(1,28,28) conv(4,3) batchnorm relu maxpool(2) flatten dense(32) batchnorm relu dense(10)"

    @Test(arguments: [
        ("mlp", "dense(128, relu) dense(10)"),
        ("lenet", Architecture.leNet5),
        ("batchnorm", batchNormArchitecture),
    ])
    func importedModelGivesPyTorchsLogits(name: String, architecture: String) throws {
        let samples = try Self.fixture("mnist-test-100")
        let model = try Architecture(architecture).build(inputShape: [784], seed: 5)
        try model.loadPyTorchStateDict(Self.fixture(name))
        let logits = try model.predict(samples["images"]!)
        let expected = samples["\(name).logits"]!
        #expect(logits.shape == [100, 10])
        let difference = zip(logits.scalars, expected.scalars).map { abs($0 - $1) }.max()!
        #expect(difference <= 1e-4, "max |logit difference| \(difference)")
    }

    @Test(arguments: [
        Architecture.leNet5,
        "reshape(2,6,6) conv(3,3,padding:same,stride:2) tanh batchnorm avgpool(2,padding:1) dropout(0.2) flatten dense(5,sigmoid) batchnorm dense(3)",
    ])
    func exportThenImportGivesTheSameParameters(text: String) throws {
        let architecture = try Architecture(text)
        let shape = text.hasPrefix("reshape(2") ? [72] : [784]
        let original = try architecture.build(inputShape: shape, seed: 1)
        for (name, parameter) in original.namedParameters where !parameter.isTrainable {
            parameter.value = Tensor.randomNormal(parameter.value.shape, seed: UInt64(name.count))  // running statistics
        }
        let exported = try original.pyTorchExport(sampleShape: shape)
        let copy = try architecture.build(inputShape: shape, seed: 2)
        try copy.loadPyTorchStateDict(Dictionary(uniqueKeysWithValues: exported.stateDict.map { ($0.name, $0.tensor) }))
        let (a, b) = (original.state, copy.state)
        #expect(a.keys.sorted() == b.keys.sorted())
        for (name, tensor) in a { #expect(tensor.scalars == b[name]!.scalars, "\(name)") }
    }

    @Test func exportNamesModulesAsTheStatedSequential() throws {
        let model = try Architecture("dense(128, relu) dense(10)").build(inputShape: [784], seed: 1)
        let exported = try model.pyTorchExport(sampleShape: [784])
        #expect(exported.stateDict.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        #expect(exported.stateDict[0].tensor.shape == [128, 784])
        #expect(exported.stateDict[0].tensor.scalars[1] == model.namedParameters[0].parameter.value.scalars[128])
        #expect(exported.moduleDefinition.contains("""
            model = nn.Sequential(
                nn.Linear(784, 128),  # 0
                nn.ReLU(),  # 1
                nn.Linear(128, 10),  # 2
            )
            """))
        let lenet = try Architecture(Architecture.leNet5).build(inputShape: [784], seed: 1).pyTorchExport(sampleShape: [784])
        #expect(lenet.moduleDefinition.contains("nn.Unflatten(1, (1, 28, 28)),  # 0\n    nn.Conv2d(1, 6, 5, padding=2),  # 1"))
        // `same` padding of a 3×3 kernel at stride 2 on 6×6 pads one row and column, at the bottom and right.
        let same = try Architecture("reshape(1,6,6) conv(2,3,padding:same,stride:2,activation:tanh) avgpool(3,padding:1) flatten")
            .build(inputShape: [36], seed: 1).pyTorchExport(sampleShape: [36])
        #expect(same.moduleDefinition.contains("""
                nn.Unflatten(1, (1, 6, 6)),  # 0
                nn.ZeroPad2d((0, 1, 0, 1)),  # 1
                nn.Conv2d(1, 2, 3, stride=2),  # 2
                nn.Tanh(),  # 3
                nn.AvgPool2d(3, padding=1),  # 4
                nn.Flatten(),  # 5
            """))
        #expect(same.stateDict.map(\.name) == ["2.weight", "2.bias"])
        let parameterised = [1, 4, 8, 10, 12]  // Unflatten 0, ReLU 2 and 5, MaxPool 3 and 6, Flatten 7, ReLU 9 and 11
        #expect(lenet.stateDict.map(\.name) == parameterised.flatMap { ["\($0).weight", "\($0).bias"] })
    }

    @Test func mismatchesAreNamedWithBothShapes() throws {
        let model = try Architecture("dense(4, relu) dense(2)").build(inputShape: [3], seed: 1)
        let before = model.state
        var state = Dictionary(uniqueKeysWithValues: try model.pyTorchExport(sampleShape: [3]).stateDict.map { ($0.name, $0.tensor) })
        state["2.weight"] = .zeros([2, 5])
        #expect(throws: InteropError.shapeMismatch("2.weight", found: [2, 5], expected: [2, 4],
                                                   forLayer: "Neurite layer 2 with parameters (Dense 4→2, PyTorch's Linear)")) {
            try model.loadPyTorchStateDict(state)
        }
        state["2.weight"] = nil
        #expect(throws: InteropError.self) { try model.loadPyTorchStateDict(state) }
        do { try model.loadPyTorchStateDict(state) } catch { #expect("\(error)".contains("no 2.weight (shape [2, 4])")) }
        state["2.weight"] = .zeros([2, 4])
        state["3.weight"] = .zeros([1, 2])
        #expect(throws: InteropError.extraTensors(["3.weight"])) { try model.loadPyTorchStateDict(state) }
        state["3.weight"] = nil
        state["2.scale"] = .zeros([2])
        #expect(throws: InteropError.extraTensors(["2.scale"])) { try model.loadPyTorchStateDict(state) }
        state["2.scale"] = nil
        state["0.bias"] = try Tensor(shape: [4], scalars: [0, .infinity, 0, 0])
        #expect(throws: InteropError.nonFinite("0.bias")) { try model.loadPyTorchStateDict(state) }
        for (name, tensor) in model.state { #expect(tensor.scalars == before[name]!.scalars) }  // unchanged after errors
    }

    @Test func namedModulesInNaturalOrderAndBatchCountIgnored() throws {
        let model = try Architecture("dense(2) batchnorm dense(1)").build(inputShape: [2], seed: 1)
        let lastWeight = try Tensor(shape: [1, 2], scalars: [3, 4])
        let state: [String: Tensor] = [
            "net.fc2.weight": .ones([2, 2]), "net.fc2.bias": .zeros([2]),
            "net.fc10.weight": lastWeight, "net.fc10.bias": Tensor([5]),
            "net.norm3.weight": .ones([2]), "net.norm3.bias": .zeros([2]),
            "net.norm3.running_mean": Tensor([1, 2]), "net.norm3.running_var": Tensor([3, 4]),
            "net.norm3.num_batches_tracked": Tensor([7]),
        ]
        #expect(naturallyPrecedes("features.9", "features.10") && naturallyPrecedes("fc2", "fc10") && !naturallyPrecedes("fc10", "fc2"))
        // fc2 < fc10 < norm3 alphabetically-with-numbers, which is not the forward order here.
        #expect(throws: InteropError.self) { try model.loadPyTorchStateDict(state) }
        var ordered = state
        for (name, tensor) in state where name.contains("norm3") {
            ordered[name] = nil
            ordered[name.replacingOccurrences(of: "norm3", with: "fc3")] = tensor
        }
        try model.loadPyTorchStateDict(ordered)
        #expect(model.state["layers.1.runningVariance"]!.scalars == [3, 4])
        #expect(model.state["layers.2.weight"]!.scalars == [3, 4])
    }
}
