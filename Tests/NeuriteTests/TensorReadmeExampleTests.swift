import Foundation
import Testing
import Neurite

/// The README's tensor example, compiled and run here; the README must hold it verbatim.
@Suite("README tensor example", .isolatedRandom)
struct TensorReadmeExampleTests {
    static func example() throws -> (table: Tensor, output: Tensor, best: Sequential, model: Sequential) {
        // TENSOR-README-BEGIN
        Neurite.seed(1)                                       // layers below draw their weights from it
        let x = Tensor.linspace(-3, 3, count: 7)
        let table = [x, x.sin(), x.abs().sqrt()].stacked(alongAxis: 1)        // [7, 3]
        print(table[..., 1].max(), table[2..<4], table.variance(alongAxis: 0))
        let positive = table[..., 0] .> 0                     // a mask: 1 where x > 0, else 0
        print((table * positive.reshaped([-1, 1])).sum(alongAxis: 0), [[1, 2], [3, 4]] as Tensor)

        let model = Sequential { Dense(3, 8, activation: .relu); Dense(8, 3) }
        let best = model.copy()                               // weights of its own: `= model` would share them
        let output = try relu(table + model(table))           // one try, for the layer call
        // TENSOR-README-END
        return (table, output, best, model)
    }

    @Test func exampleRuns() throws {
        let (table, output, best, model) = try Self.example()
        #expect(table.shape == [7, 3] && output.shape == [7, 3])
        #expect(table[..., 1].scalars == Tensor.linspace(-3, 3, count: 7).sin().scalars)
        #expect(best.state == model.state)
        #expect(best.namedParameters[0].parameter !== model.namedParameters[0].parameter)
    }

    @Test func readmeHoldsTheExample() throws {
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let readme = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md"),
            encoding: .utf8)
        let begin = source.range(of: "// TENSOR-README-BEGIN\n")!, end = source.range(of: "        // TENSOR-README-END")!
        let block = source[begin.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
            .map { (line: Substring) -> String in String(line.dropFirst(Swift.min(8, line.prefix(while: { $0 == " " }).count))) }
            .joined(separator: "\n")
        #expect(readme.contains(block), "README.md must contain the tensor example exactly as compiled here")
    }
}
