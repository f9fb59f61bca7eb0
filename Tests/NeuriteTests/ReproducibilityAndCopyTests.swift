import Testing
@testable import Neurite

@Suite("Global seed, model copies, layers in dictionaries", .serialized)
struct ReproducibilityAndCopyTests {
    static func program() -> [String: Tensor] {
        let model = Sequential {
            Dense(3, 4, activation: .relu)
            Dropout(0.5)
            Dense(4, 2)
        }
        let masked = try! model(.ones([2, 3]))  // dropout draws from the seed too
        return model.state.merging(["output": masked]) { first, _ in first }
    }

    @Test func theSameSeedGivesTheSameWeights() {
        // A generator of this test's own, so that tests creating layers in parallel cannot draw
        // from the stream in between; `Neurite.seed` reseeds it exactly as it does the shared one.
        GlobalRandom.$isolated.withValue(GlobalRandom()) { checkSeeding() }
    }

    func checkSeeding() {
        Neurite.seed(1)
        let first = Self.program()
        Neurite.seed(1)
        let second = Self.program()
        Neurite.seed(2)
        let third = Self.program()
        #expect(first == second)
        #expect(first["layers.0.weight"] != third["layers.0.weight"])
        #expect(Dense(3, 4, seed: 7).weight == Dense(3, 4, seed: 7).weight)  // explicit seeds still rule
        Neurite.seed(1)
        let randomA = Tensor.randomNormal([5])
        Neurite.seed(1)
        #expect(Tensor.randomNormal([5]) == randomA)
    }

    @Test func aCopyDoesNotShareWeights() throws {
        struct Tied: Layer {
            var first = Dense(2, 2, seed: 1)
            var heads: [any Layer] = [Dense(2, 1, seed: 2), Dropout(0.1, seed: 3)]
            var shared: ParameterReference
            var maybe: Dense? = Dense(2, 2, seed: 4)
            func callAsFunction(_ x: Tensor) throws -> Tensor { try heads[0](first(x)) }
        }
        let first = Dense(2, 2, seed: 1)
        let model = Tied(first: first, shared: first.$weight)
        model.setMode(.evaluation)
        let copy = model.copy()
        #expect(copy.state == model.state)
        #expect(copy.namedParameters.count == model.namedParameters.count)
        // Nothing is shared with the original...
        let originals = Set(model.namedParameters.map { ObjectIdentifier($0.parameter) })
        #expect(copy.namedParameters.allSatisfy { !originals.contains(ObjectIdentifier($0.parameter)) })
        // ...but what was shared inside the model still is (tied weights).
        #expect(copy.first.$weight === copy.shared)
        // Training the original leaves the copy as it was; modes are copied, not shared.
        let before = copy.state
        for (_, parameter) in model.namedParameters { parameter.value = parameter.value + 1 }
        model.setMode(.training)
        #expect(copy.state == before)
        #expect(copy.modeSwitches.allSatisfy { $0.mode == .evaluation })
        let plain = Sequential { Dense(2, 3, seed: 5); Dense(3, 1, seed: 6) }
        #expect(try plain.copy()(.ones([1, 2])) == plain(.ones([1, 2])))
    }

    @Test func layersInDictionariesAreFoundInSortedKeyOrderAndTrained() throws {
        struct Heads: Layer {
            var heads: [String: Dense] = ["zeta": Dense(2, 1, seed: 1), "alpha": Dense(2, 1, seed: 2)]
            func callAsFunction(_ x: Tensor) throws -> Tensor { try heads["alpha"]!(x) + heads["zeta"]!(x) }
        }
        let model = Heads()
        #expect(model.namedParameters.map(\.name) == ["heads.alpha.weight", "heads.alpha.bias", "heads.zeta.weight", "heads.zeta.bias"])
        let (_, gradients) = try valueWithGradient(of: model) { try $0(.ones([1, 2])).sum() }
        #expect(gradients.entries.count == 4)
        #expect(gradients.entries.allSatisfy { $0.gradient.scalars.allSatisfy { $0 == 1 } })
        #expect(model.copy().state == model.state)
    }
}
