import Testing
@testable import Neurite

@Suite("Shape errors in arithmetic")
struct TensorErrorScopeTests {
    @Test func aScopeTurnsAShapeMismatchIntoAThrownError() throws {
        let a = Tensor([1, 2]), b = Tensor([1, 2, 3])
        #expect(throws: TensorError.shapeMismatch(operation: "add", lhs: [2], rhs: [3])) {
            try withTensorErrors { a + b }
        }
        #expect(throws: TensorError.shapeMismatch(operation: "matmul", lhs: [2, 3], rhs: [2, 3])) {
            try withTensorErrors { matmul(.zeros([2, 3]), .zeros([2, 3])) }
        }
        #expect(throws: TensorError.invalidAxis(2, rank: 1)) { try withTensorErrors { a.sum(alongAxis: 2) } }
        #expect(try withTensorErrors { a + a }.scalars == [2, 4])
    }

    @Test func theFirstErrorWinsOverItsConsequences() {
        let a = Tensor([1, 2]), b = Tensor([1, 2, 3])
        // The failed product yields a placeholder; the next operation fails on it, and a layer
        // then throws on it, but the error reported is the first one.
        #expect(throws: TensorError.shapeMismatch(operation: "multiply", lhs: [2], rhs: [3])) {
            try withTensorErrors { try Dense(2, 1, seed: 1)((a * b + a).reshaped([1, 2])) }
        }
    }

    @Test func differentiationOpensAScope() {
        let model = Dense(2, 1, seed: 1)
        #expect(throws: TensorError.shapeMismatch(operation: "subtract", lhs: [4, 1], rhs: [3, 1])) {
            try valueWithGradient(of: model) { model in try (model(.ones([4, 2])) - [[1], [2], [3]]).sum() }
        }
    }

    @Test func layersStillThrowOnABadInputShape() {
        #expect(throws: TensorError.self) { try Dense(3, 2, seed: 1)(.ones([4, 2])) }
        #expect(throws: TensorError.self) { try Conv2D(1, 2, kernelSize: 3, seed: 1)(.ones([1, 1, 2, 2])) }
        #expect(throws: TensorError.self) { try Sequential { Dense(3, 2, seed: 1); Dense(3, 1, seed: 2) }(.ones([1, 3])) }
        #expect(throws: TensorError.self) { try Reshape([2, 2])(.ones([3, 3])) }
    }

    @Test func aModelWithNoTrainableParametersIsAnError() {
        final class Box { let dense = Dense(2, 2, seed: 1) }
        struct Hidden: Layer {
            let boxed = Box()  // a class that is not a layer: not a place layers are looked for
            func callAsFunction(_ input: Tensor) throws -> Tensor { input }
        }
        #expect(throws: TensorError.noTrainableParameters("Hidden")) {
            try valueWithGradient(of: Hidden()) { try $0(.ones([1, 2])).sum() }
        }
    }
}
