import Foundation
import Testing
@testable import Neurite

@Suite("Convolution")
struct ConvolutionTests {
    @Test func verticalEdgeKernelGivesHandComputedValues() throws {
        // A 4×5 image, dark on the left and bright on the right, with a vertical edge.
        let image = try Tensor(shape: [1, 1, 4, 5], scalars: [
            0, 0, 1, 1, 1,
            0, 0, 1, 1, 1,
            0, 0, 2, 2, 2,
            0, 0, 2, 2, 2,
        ])
        // Sobel-x: [-1 0 1; -2 0 2; -1 0 1].
        let conv = Conv2D(1, 1, kernelSize: 3, seed: 1)
        conv.weight = try Tensor(shape: [1, 1, 3, 3], scalars: [-1, 0, 1, -2, 0, 2, -1, 0, 1])
        conv.bias!.value = Tensor([0.5])
        let output = try conv(image)
        #expect(output.shape == [1, 1, 2, 3])
        // Output (0,0) covers rows 0–2, columns 0–2: (1·1 + 2·1 + 1·2) − 0 = 5, + 0.5 bias.
        // Output (0,1) covers columns 1–3: right column (1, 1, 2) minus left column (0, 0, 0) → 5.
        // Output (0,2) covers columns 2–4: both columns bright (1, 1, 2) → 0.
        // Row 1 covers rows 1–3: right (1, 2, 2) → 1 + 4 + 2 = 7.
        #expect(output.scalars == [5.5, 5.5, 0.5, 7.5, 7.5, 0.5])
    }

    @Test func matchesIndependentNumPyReference() throws {
        for case_ in ConvolutionFixtures.shared.convolutions {
            let conv = Conv2D(
                case_.weightShape[1], case_.weightShape[0], kernelSize: case_.weightShape[2], stride: case_.stride,
                padding: .explicit(case_.padding[0], case_.padding[1]), dilation: case_.dilation,
                useBias: case_.bias != nil, seed: 1)
            conv.weight = try Tensor(shape: case_.weightShape, scalars: case_.weight)
            if let bias = case_.bias { conv.bias!.value = Tensor(bias) }
            let output = try conv(Tensor(shape: case_.inputShape, scalars: case_.input))
            #expect(output.shape == case_.outputShape, "\(case_.name)")
            #expect(largestDifference(output.scalars, case_.output) < 1e-5, "\(case_.name)")
        }
    }

    @Test(arguments: [
        (stride: 2, padding: Conv2D.Padding.explicit(1, 2), dilation: 1, activation: Activation.linear),
        (stride: 1, padding: .same, dilation: 2, activation: .tanh),
        (stride: 2, padding: .valid, dilation: 2, activation: .relu),
    ])
    func gradientsMatchFiniteDifferences(stride: Int, padding: Conv2D.Padding, dilation: Int, activation: Activation) throws {
        let conv = Conv2D(2, 3, kernelSize: 3, stride: stride, padding: padding, dilation: dilation, activation: activation, seed: 4)
        let x = awayFromZero([2, 2, 7, 6], seed: 5)
        let weight = awayFromZero(conv.weight.shape, seed: 6) * 0.5, bias = awayFromZero([3], seed: 7)
        try expectGradientsMatchFiniteDifferences(at: [x, weight, bias]) { inputs in
            conv.weight = inputs[1]
            conv.bias!.value = inputs[2]
            return try project(conv(inputs[0]))
        }
    }

    /// The direct kernels (stride 1, few channels): LeNet's padded 5×5 shape, a 4×4 one with
    /// asymmetric "same" padding, and an odd channel count that leaves partial register tiles.
    /// (ReLU's mask is checked bit for bit against the separate ReLU layer by "Fused conv
    /// activation"; finite differences across its kink would not be.)
    @Test(arguments: [
        (inChannels: 1, outChannels: 6, kernel: 5, padding: Conv2D.Padding.explicit(2, 2), activation: Activation.sigmoid),
        (inChannels: 3, outChannels: 5, kernel: 4, padding: .same, activation: .linear),
        (inChannels: 2, outChannels: 7, kernel: 3, padding: .valid, activation: .tanh),
    ])
    func directKernelGradientsMatchFiniteDifferences(
        inChannels: Int, outChannels: Int, kernel: Int, padding: Conv2D.Padding, activation: Activation
    ) throws {
        let conv = Conv2D(inChannels, outChannels, kernelSize: kernel, padding: padding, activation: activation, seed: 4)
        let x = awayFromZero([3, inChannels, 6, 7], seed: 5)
        let weight = awayFromZero(conv.weight.shape, seed: 6) * 0.5, bias = awayFromZero([outChannels], seed: 7)
        try expectGradientsMatchFiniteDifferences(at: [x, weight, bias]) { inputs in
            conv.weight = inputs[1]
            conv.bias!.value = inputs[2]
            return try project(conv(inputs[0]))
        }
    }

    @Test func largeBatchesAreProcessedInChunksWithTheSameResults() throws {
        // 25·24·24 columns per sample: 300 samples exceed the im2col budget and run in two chunks.
        // (Dilation 2 keeps the layer on the im2col path; the direct kernels have no chunks.)
        let conv = Conv2D(1, 2, kernelSize: 5, dilation: 2, seed: 8)
        let x = Tensor.randomNormal([300, 1, 32, 32], seed: 9)
        #expect(25 * 24 * 24 * 300 > columnBudget)
        let weights = Tensor.randomNormal([300, 2, 24, 24], seed: 10)
        let (whole, wholeGradients) = try valueWithGradient(at: [x, conv.weight]) { inputs in
            conv.weight = inputs[1]
            return try (conv(inputs[0]) * weights).sum()
        }
        // The same sums over two halves small enough for one chunk each.
        var total: Float = 0
        var weightGradient = [Float](repeating: 0, count: conv.weight.count)
        var inputGradient: [Float] = []
        for range in [0..<150, 150..<300] {
            let part = x.rows(range).detached, partWeights = weights.rows(range).detached
            let (value, gradients) = try valueWithGradient(at: [part, conv.weight.detached]) { inputs in
                conv.weight = inputs[1]
                return try (conv(inputs[0]) * partWeights).sum()
            }
            total += value.scalar
            weightGradient = zip(weightGradient, gradients[1].scalars).map(+)
            inputGradient += gradients[0].scalars
        }
        #expect(abs(whole.scalar - total) < 1e-2)
        #expect(largestDifference(wholeGradients[1].scalars, weightGradient) < 1e-2)
        #expect(largestDifference(wholeGradients[0].scalars, inputGradient) < 1e-4)
    }

    @Test func wrongInputShapesNameTheLayerAndBothShapes() throws {
        let conv = Conv2D(1, 6, kernelSize: 5, seed: 1)
        #expect(throws: TensorError.layerInput(
            layer: "Conv2D(1→6, 5×5)", expected: "[batch, 1, h, w] with h, w ≥ 5", got: [2, 3, 28, 28])) {
            try conv(Tensor.zeros([2, 3, 28, 28]))
        }
        #expect(throws: TensorError.layerInput(
            layer: "Conv2D(1→6, 5×5)", expected: "[batch, 1, h, w] with h, w ≥ 5", got: [1, 1, 2, 2])) {
            try conv(Tensor.zeros([1, 1, 2, 2]))
        }
        let message = "\(TensorError.layerInput(layer: "Conv2D(1→6, 5×5)", expected: "[batch, 1, h, w] with h, w ≥ 5", got: [1, 1, 2, 2]))"
        #expect(message == "Conv2D(1→6, 5×5) expects input of shape [batch, 1, h, w] with h, w ≥ 5, got [1, 1, 2, 2]")
        // With padding 2 the same small image fits.
        #expect(try Conv2D(1, 6, kernelSize: 5, padding: .explicit(2, 2), seed: 1)(Tensor.zeros([1, 1, 2, 2])).shape == [1, 6, 2, 2])
    }

    @Test func samePaddingKeepsTheSizeAtStrideOneAndCeilsAtStrideTwo() throws {
        #expect(try Conv2D(2, 4, kernelSize: 3, padding: .same, seed: 1)(Tensor.zeros([1, 2, 7, 6])).shape == [1, 4, 7, 6])
        #expect(try Conv2D(2, 4, kernelSize: 4, stride: 2, padding: .same, seed: 1)(Tensor.zeros([1, 2, 7, 6])).shape == [1, 4, 4, 3])
    }

    @Test func leNetArchitectureInfersShapesAndClassifies() throws {
        let architecture = try Architecture(Architecture.leNet5)
        let model = try architecture.build(inputShape: [784], seed: 3)
        #expect(model.layers.count == 11)
        #expect(model.parameterCount == (6 * 25 + 6) + (16 * 6 * 25 + 16) + (400 * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10))
        #expect(try model(Tensor.randomNormal([2, 784], seed: 4)).shape == [2, 10])
        let strided = try Architecture("conv(4, 3, stride: 2, padding: same, dilation: 1, activation: relu) avgpool(2) globalavgpool")
            .build(inputShape: [3, 9, 9], seed: 1)
        #expect(try strided(Tensor.zeros([1, 3, 9, 9])).shape == [1, 4])
    }

    @Test func architectureErrorsExplainTheShapeProblem() throws {
        #expect(throws: ArchitectureError.invalidArgument(
            "conv", "needs [channels, height, width] samples, got [784]; add e.g. reshape(1,28,28) before it")) {
            try Architecture("conv(6, 5)").build(inputShape: [784], seed: 1)
        }
        #expect(throws: ArchitectureError.invalidArgument("conv", "a 5×5 kernel (dilation 1) does not fit a 2×2 image with padding 0")) {
            try Architecture("conv(6, 5)").build(inputShape: [1, 2, 2], seed: 1)
        }
        #expect(throws: ArchitectureError.invalidArgument("maxpool", "a 3×3 window does not fit a 2×2 image")) {
            try Architecture("maxpool(3)").build(inputShape: [1, 2, 2], seed: 1)
        }
        #expect(throws: ArchitectureError.self) { try Architecture("conv(6, 5, swish)").build(inputShape: [1, 8, 8], seed: 1) }
    }
}
