import Testing
@testable import Neurite

/// The recurrence splits a batch into one group of sequences per thread, each group running all
/// its steps alone. Each row's arithmetic is the same as on one thread, so outputs, final states
/// and every gradient must be equal bit for bit, with shorter sequences in both groups and an
/// odd number of steps (the backward swaps its two ∂h buffers once per step).
@Suite("Recurrent layers, batch split across threads", .serialized)
struct RecurrentThreadSplitTests {
    static let batch = 5, steps = 5, inputSize = 7, hiddenSize = 64
    static let lengths = [5, 2, 5, 4, 1]

    /// Everything the unroll computes: the output, the final state, and the gradients of a
    /// projection of both with respect to the input, the start state and the parameters.
    static func run(_ cell: RecurrentCell, threads: Int) throws -> [[Float]] {
        KernelInfo.threadCount = threads
        defer { KernelInfo.threadCount = 0 }
        let layer: any RecurrentLayer = switch cell {
        case .simple: SimpleRNN(inputSize, hiddenSize, seed: 4)
        case .lstm: LSTM(inputSize, hiddenSize, seed: 4)
        case .gru: GRU(inputSize, hiddenSize, seed: 4)
        }
        let input = Tensor.randomNormal([batch, steps, inputSize], seed: 5)
        let start = [Tensor.randomNormal([batch, hiddenSize], seed: 6), Tensor.randomNormal([batch, hiddenSize], seed: 7)]
        let projection = Tensor.randomNormal([batch, steps, hiddenSize], seed: 8)
        let parameters = layer.namedParameters.map(\.parameter)
        var values: [[Float]] = []
        let (_, gradients) = try valueWithGradient(at: [input] + start + parameters.map(\.value)) { inputs in
            for (parameter, value) in zip(parameters, inputs.dropFirst(3)) { parameter.value = value }
            let state = RecurrentState(hidden: inputs[1], cell: cell == .lstm ? inputs[2] : nil)
            let result = try layer.unroll(inputs[0], lengths: lengths, from: state)
            values = [result.sequence.scalars, result.state.hidden.scalars, result.state.cell?.scalars ?? []]
            var total = (result.sequence * projection).sum() + result.state.hidden.sum()
            if let cellState = result.state.cell { total = total + (cellState * 0.5).sum() }
            return total
        }
        return values + gradients.enumerated().filter { $0.offset != 2 || cell == .lstm }.map(\.element.scalars)
    }

    @Test(arguments: RecurrentCell.allCases)
    func twoThreadsEqualOne(cell: RecurrentCell) throws {
        let alone = try Self.run(cell, threads: 1), split = try Self.run(cell, threads: 2)
        #expect(alone.count == split.count)
        for (index, (expected, actual)) in zip(alone, split).enumerated() {
            #expect(actual == expected, "\(cell): result \(index) differs between 1 and 2 threads")
        }
        #expect(alone[0].contains { $0 != 0 } && alone.last!.contains { $0 != 0 })
    }
}
