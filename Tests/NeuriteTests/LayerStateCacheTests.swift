import Testing
@testable import Neurite

/// A ``Sequential`` keeps what the reflection walk found (``LayerStateCache``): these check that
/// what it keeps is never stale.
@Suite("Cached parameter walk")
struct LayerStateCacheTests {
    private static func identities(_ model: some Layer) -> [ObjectIdentifier] {
        model.parameters.map { ObjectIdentifier($0) }
    }

    @Test func changingTheLayersAfterAWalkIsSeen() {
        var model = Sequential { Dense(4, 3, seed: 1); Dense(3, 2, seed: 2) }
        let before = Self.identities(model)
        let earlier = model  // a copy made before the change keeps describing itself
        #expect(before.count == 4)

        model.layers.append(Dense(2, 1, seed: 3))
        #expect(model.parameters.count == 6)
        model.layers[0] = Dense(4, 3, seed: 9)
        let after = Self.identities(model)
        #expect(after.count == 6 && after[0] != before[0] && after[2] == before[2])
        #expect(Self.identities(earlier) == before)
        #expect(model.namedParameters.map(\.name).last == "layers.2.bias")
    }

    @Test func changingANestedSequentialIsSeen() {
        var model = Sequential { Sequential { Dense(4, 3, seed: 1) }; Dense(3, 2, seed: 2) }
        #expect(model.namedParameters.map(\.name).first == "layers.0.layers.0.weight")
        let before = Self.identities(model)
        model.layers[0] = Sequential { Dense(4, 3, seed: 5); Dense(3, 3, seed: 6) }
        let after = Self.identities(model)
        #expect(after.count == 6 && after[0] != before[0])
    }

    @Test func aCopyListsItsOwnParameters() {
        let model = Sequential { Dense(4, 3, seed: 1); Dense(3, 2, seed: 2) }
        let original = Set(Self.identities(model))  // walked, so the original's cache is filled
        let copy = model.copy()
        let copied = Set(Self.identities(copy))
        #expect(copied.count == 4 && copied.isDisjoint(with: original))
    }

    @Test func aLayerThatIsAClassIsWalkedEveryTime() {
        final class Swappable: Layer {
            var dense = Dense(2, 2, seed: 1)
            func callAsFunction(_ input: Tensor) throws -> Tensor { try dense(input) }
        }
        let swappable = Swappable()
        let model = Sequential { Sequential { swappable }; Dense(2, 1, seed: 2) }
        let before = Self.identities(model)
        swappable.dense = Dense(2, 2, seed: 3)  // changes what the model holds without touching `layers`
        let after = Self.identities(model)
        #expect(after.count == 4 && after[0] != before[0] && after[0] == ObjectIdentifier(swappable.dense.$weight))
    }
}
