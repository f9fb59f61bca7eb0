/// The memory a training step of a model built from an ``Architecture`` takes, added up layer by
/// layer as the model is built, so that a batch that cannot fit is refused before any of it is
/// allocated.
///
/// Parameters are checked on their own (``Architecture/checkParameters(of:input:total:)``); this
/// is the rest, which grows with the batch and can dwarf them: `conv(10000, 1)` on a 28×28 image
/// has 20,000 parameters and 31 MB of output per sample, and training it at batch 512 asked for
/// 16 GB in one allocation; `neurite summary "conv(64, 5)" --input-shape 1,8000,8000` ran one
/// image through it and was killed by the kernel at 24 GB.
///
/// Per sample, a step keeps every layer's output for the backward pass, that output's gradient
/// and, for some layers, one more of its size (a dropout mask, batch normalisation's normalised
/// values, pooling's chosen positions); a recurrent layer keeps its gates and states at every
/// step. On top of the batch's share comes the largest scratch of one layer (a convolution's
/// unfolded patches). The estimate errs high: inference holds two layers' outputs at a time,
/// not all of them.
struct StepFootprint {
    let batchSize: Int
    /// Floats per sample so far: the input, and three of each layer's output.
    private var perSample: Int
    /// The largest scratch of one layer so far, for the whole batch, in floats.
    private var scratch = 0

    init(batchSize: Int, inputShape: [Int]) throws {
        guard batchSize > 0 else { throw ArchitectureError.unsuitable("expected a batch of at least one sample, found \(batchSize)") }
        self.batchSize = batchSize
        perSample = SizeLimit.elementCount(inputShape) ?? .max
    }

    /// Adds `layer`, built for samples of `input` and giving samples of `output`.
    /// - Throws: ``ArchitectureError/unsuitable(_:)`` naming the layer once a step of the batch
    ///   would exceed ``SizeLimit``.
    mutating func add(_ layer: any Layer, input: [Int], output: [Int], named name: String) throws {
        var outputs = SizeLimit.elementCount([3] + output)
        if let recurrent = layer as? any RecurrentLayer, input.count == 2 {
            // Every step's gate pre-activations and activations, its hidden state and (LSTM) cell state.
            let gates = recurrent.weight_hh.shape[0], hidden = recurrent.weight_hh.shape[1]
            outputs = sum(outputs, SizeLimit.elementCount([input[0], 2 * gates + 2 * hidden]))
        }
        if let convolution = layer as? Conv2D {
            scratch = max(scratch, convolution.scratch(forSample: input, samples: batchSize) ?? .max)
        }
        perSample = sum(perSample, outputs) ?? .max
        let samples = batchSize == 1 ? "1 sample" : "\(batchSize) samples"
        if let problem = SizeLimit.problem(floats: floats, what: "a batch of \(samples) through the model up to \(name)") {
            throw ArchitectureError.unsuitable(problem)
        }
    }

    /// The step's floats so far, or `nil` when they overflow `Int`.
    var floats: Int? { sum(SizeLimit.elementCount([batchSize, perSample]), scratch) }

    /// `a + b`, or `nil` when either is missing or the sum overflows.
    private func sum(_ a: Int?, _ b: Int?) -> Int? {
        guard let a, let b else { return nil }
        let (result, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : result
    }
}
