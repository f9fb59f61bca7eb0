import Testing
@testable import Neurite

@Suite("Model state")
struct ModelStateTests {
    @Test func stateIsASnapshotThatLoadRestores() throws {
        let model = Sequential { Dense(2, 3, activation: .relu, seed: 1); Dense(3, 1, seed: 2) }
        let snapshot = model.state
        #expect(snapshot.keys.sorted() == ["layers.0.bias", "layers.0.weight", "layers.1.bias", "layers.1.weight"])
        let before = model.namedParameters[0].parameter.value
        model.namedParameters[0].parameter.value = before * 2 + 1
        #expect(snapshot["layers.0.weight"] == before)
        #expect(model.namedParameters[0].parameter.value != before)
        try model.load(snapshot)
        #expect(model.namedParameters[0].parameter.value == before)
    }

    @Test func loadRefusesMissingOrMisshapenTensorsAndChangesNothing() throws {
        let model = Dense(2, 3, seed: 1)
        let original = model.state
        var wrong = original
        wrong["weight"] = Tensor.zeros([3, 2])
        wrong["bias"] = Tensor.zeros([3])
        #expect(throws: TensorError.self) { try model.load(wrong) }
        #expect(model.state == original)
        #expect(throws: TensorError.self) { try model.load(["bias": Tensor.zeros([3])]) }
    }
}
