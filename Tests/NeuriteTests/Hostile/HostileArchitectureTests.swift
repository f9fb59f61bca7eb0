import Foundation
import Testing
@testable import Neurite

/// Architecture texts that cannot make a model, or not one for the task: each must give an
/// `ArchitectureError` saying why, never a trap or an allocation of what the text claims.
@Suite("Hostile inputs: architecture text")
struct HostileArchitectureTests {
    /// (text, sample shape, what the message must say); each is built as a 10-class classifier.
    static let cases: [(String, [Int], String)] = [
        ("", [784], "no layers"),
        ("dense(10", [784], "missing ')'"),
        ("dropout(0.5\u{0}zz) dense(10)", [784], "unexpected control character U+0000"),  // was dropout(0.5)
        ("batchnorm(epsilon: 0.1\u{0}x) dense(10)", [784], "unexpected control character U+0000"),
        ("dense(10)\u{7}", [784], "unexpected control character U+0007"),
        ("blob(3)", [784], "unknown layer 'blob'"),
        ("(dense)", [784], "unexpected '('"),
        ("./mymodel.txt", [784], "unexpected '.'"),
        ("dense(-1)", [784], "is not a count"),
        ("dense(:)", [784], "found no name"),
        ("dense(10, :relu)", [784], "found no name"),
        ("dense(units:)", [784], "'' is not a count"),
        ("dense(0)", [784], "at least one unit"),
        ("dense(abc)", [784], "is not a count"),
        ("dense(10, wobble)", [784], "neither an activation nor an initializer"),
        ("dense(1000000000) dense(10)", [784], "more than the limit"),
        ("dense(2147483648) dense(10)", [1_000_000], "more than the limit"),
        ("dense(9223372036854775807)", [784], "exceeds the limit of 2147483648"),
        ("reshape(4294967296,4294967296)", [784], "exceeds the limit"),
        ("reshape(2147483648,2147483648,2147483648) flatten dense(10)", [784], "does not hold the 784 values"),
        ("reshape(1,28,28) conv(1000000000,5)", [784], "more than the limit"),
        ("reshape(1,28,28) conv(6,5,padding:1000000000) flatten dense(10)", [784], "64-bit count"),
        ("reshape(1,28,28) conv(6,5,padding:9999999999)", [784], "neither a count nor same/valid"),
        ("reshape(1,28,28) conv(6,5,dilation:9223372036854775807)", [784], "exceeds the limit"),
        ("reshape(1,28,28) conv(6,5,dilation:1000000)", [784], "does not fit a 28×28 image"),
        ("reshape(1,28,28) conv(6,5,stride:0)", [784], "must be positive"),
        ("reshape(1,28,28) conv(6,5,activation:softmax)", [784], "is not an activation"),
        ("conv(6,5) flatten dense(10)", [784], "needs [channels, height, width] samples"),
        ("reshape(1,28,28) maxpool(100)", [784], "does not fit a 28×28 image"),
        ("reshape(1,28,28) maxpool(2, 2, 5)", [784], "exceeds half the kernel"),
        ("reshape(1,28,28) avgpool(9223372036854775807)", [784], "exceeds the limit"),
        ("batchnorm(epsilon: inf) dense(10)", [784], "positive, finite epsilon"),
        ("batchnorm(epsilon: nan) dense(10)", [784], "positive, finite epsilon"),
        ("batchnorm(momentum: 2) dense(10)", [784], "momentum in [0, 1]"),
        ("dropout(1.5) dense(10)", [784], "not in [0, 1)"),
        ("dropout(nan) dense(10)", [784], "not in [0, 1)"),
        ("dense(128, relu)", [784], "expected the last layer to output 10 values"),
        ("relu", [784], "found shape [784]"),
        ("flatten", [10], "expected layers with weights to train"),
        ("dense(10)", [4_294_967_296, 4_294_967_296], "64-bit count"),
        ("dense(10)", [0], "expected positive sizes"),
        ("flatten dense(10)", [1 << 40], "more than the limit"),
        ("lstm(10)", [784], "needs samples of [time, features]"),
        ("reshape(28,28) embedding(10,4)", [784], "needs samples of [time] token ids"),
        ("embedding(0,4) lstm(8)", [784], "must be positive"),
        ("embedding(10,4) gru(0)", [784], "at least one hidden unit"),
        ("embedding(10,4) rnn(8, return: middle)", [784], "neither sequence nor last"),
        ("embedding(10,4) lstm(9223372036854775807)", [784], "exceeds the limit"),
        ("embedding(10,4) lstm(2147483648)", [784], "64-bit count"),
        ("embedding(10,4) lstm(100000)", [784], "more than the limit"),
        ("embedding(2147483648,2147483648)", [784], "64-bit count"),
        ("embedding(1000000000,1000)", [784], "more than the limit"),
        ("embedding(10,4) lstm(8) dense(10)", [784], "found shape [784, 10]"),
    ]

    @Test(arguments: cases.indices)
    func refusedWithItsReason(_ index: Int) {
        let (text, shape, expected) = Self.cases[index]
        #expect {
            try Architecture(text).buildClassifier(inputShape: shape, classes: 10, seed: 1)
        } throws: { error in
            guard let error = error as? ArchitectureError else { return false }
            return "\(error)".contains(expected)
        }
    }

    /// Few parameters, large activations: `conv(10000, 1)` has 20,000 weights and 31 MB of output
    /// per 28×28 image. It builds for the batches it can run and is refused, naming the batch and
    /// the layer, for one it cannot (a batch of 512 of `conv(10000, 1)` aborted the process at
    /// 16 GB before this check).
    @Test func aBatchTooLargeForMemoryIsRefusedBeforeItRuns() throws {
        let wide = try Architecture("reshape(1,28,28) conv(10000, 1) globalavgpool dense(10)")
        #expect(try wide.buildClassifier(inputShape: [784], classes: 10, seed: 1, batchSize: 1).parameterCount == 120_010)
        #expect {
            try wide.buildClassifier(inputShape: [784], classes: 10, seed: 1, batchSize: 1 << 20)
        } throws: { error in
            "\(error)".contains("a batch of 1048576 samples through the model up to conv(10000, 1) needs")
        }
        #expect { try wide.build(inputShape: [784], seed: 1, batchSize: 0) } throws: { "\($0)".contains("at least one sample") }
    }

    /// The estimate, against the sizes counted by hand: per sample the input and three of each
    /// output (kept, its gradient, one more), a recurrent layer's gates and states per step;
    /// per batch the largest convolution's unfolded patches, their gradient and its product.
    @Test func theStepFootprintCountsWhatAStepHolds() throws {
        var dense = try StepFootprint(batchSize: 2, inputShape: [784])
        try dense.add(Dense(784, 10, seed: 1), input: [784], output: [10], named: "dense(10)")
        #expect(dense.floats == 2 * (784 + 3 * 10))

        // 32 output channels take im2col: patches of 1·3·3 at 6·6 places, both samples in one chunk.
        var im2col = try StepFootprint(batchSize: 2, inputShape: [1, 8, 8])
        try im2col.add(Conv2D(1, 32, kernelSize: 3, seed: 1), input: [1, 8, 8], output: [32, 6, 6], named: "conv(32, 3)")
        #expect(im2col.floats == 2 * (64 + 3 * 32 * 36) + 2 * 36 * (2 * 9 + 32))

        // Six take the direct kernels, which unfold nothing.
        var direct = try StepFootprint(batchSize: 2, inputShape: [1, 8, 8])
        try direct.add(Conv2D(1, 6, kernelSize: 3, seed: 1), input: [1, 8, 8], output: [6, 6, 6], named: "conv(6, 3)")
        #expect(direct.floats == 2 * (64 + 3 * 6 * 36))

        // An LSTM of 8 over 5 steps: 32 gates, 8 hidden and 8 cell values per step.
        var lstm = try StepFootprint(batchSize: 1, inputShape: [5, 3])
        try lstm.add(LSTM(3, 8, seed: 1), input: [5, 3], output: [5, 8], named: "lstm(8)")
        #expect(lstm.floats == 15 + 3 * 40 + 5 * (2 * 32 + 2 * 8))
    }
}
