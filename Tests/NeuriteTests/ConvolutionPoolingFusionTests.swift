import Testing
@testable import Neurite

/// The conv → ReLU → 2×2 max-pool block run in one pass (`direct_conv_pool.c`, taken by
/// `Sequential`) against the same layers run one by one: the output and the input, weight and
/// bias gradients must be equal bit for bit, on odd batches, odd conv outputs (whose last row and
/// column no window covers), partial register tiles (1, 2, 3, 6, 7, 13, 16 channels) and inputs with
/// many ties (ReLU's zeros, and rounded pixels). Run with `NEURITE_KERNEL=avx2` and `portable`
/// too, for the other kernel families.
@Suite("Convolution with fused max pooling")
struct ConvolutionPoolingFusionTests {
    @Test(arguments: [
        (batch: 1, inChannels: 1, outChannels: 6, kernel: 5, padding: 2, height: 28, width: 28, relu: true),
        (batch: 3, inChannels: 6, outChannels: 16, kernel: 5, padding: 0, height: 14, width: 14, relu: true),
        (batch: 2, inChannels: 3, outChannels: 7, kernel: 3, padding: 1, height: 9, width: 11, relu: true),
        (batch: 5, inChannels: 16, outChannels: 13, kernel: 5, padding: 0, height: 12, width: 40, relu: false),
        (batch: 1, inChannels: 2, outChannels: 16, kernel: 6, padding: 0, height: 7, width: 8, relu: true),
    ])
    func matchesTheLayersRunApart(
        batch: Int, inChannels: Int, outChannels: Int, kernel: Int, padding: Int, height: Int, width: Int, relu: Bool
    ) throws {
        let conv = Conv2D(inChannels, outChannels, kernelSize: kernel, padding: .explicit(padding, padding), seed: 8)
        conv.bias!.value = Tensor.randomNormal([outChannels], seed: 9)
        // Pixels rounded to halves: many windows hold equal values, so the tie rule is exercised.
        let pixels = Tensor.randomNormal([batch, inChannels, height, width], seed: 10).scalars.map { ($0 * 2).rounded() / 2 }
        let x = try Tensor(shape: [batch, inChannels, height, width], scalars: pixels)
        let block = Sequential([conv, relu ? Activation.relu : Activation.linear, MaxPool2D(2)])
        #expect(try block.convolutionWithPooling(at: 0, x) != nil, "the block must take the fused path")

        let pooledShape = [batch, outChannels, (height + 2 * padding - kernel + 1) / 2, (width + 2 * padding - kernel + 1) / 2]
        let upstream = Tensor.randomNormal(pooledShape, seed: 11)
        func outputAndGradients(_ run: @escaping (Tensor) throws -> Tensor) throws -> (Tensor, [Tensor]) {
            let output = try withoutGradient { try run(x) }
            let (_, gradients) = try valueWithGradient(at: [x, conv.weight, conv.bias!.value]) { inputs in
                conv.weight = inputs[1]
                conv.bias!.value = inputs[2]
                return try (run(inputs[0]) * upstream).sum()
            }
            return (output, gradients)
        }
        let (fused, fusedGradients) = try outputAndGradients { try block($0) }
        let (apart, apartGradients) = try outputAndGradients { input in
            try block.layers[2](block.layers[1](block.layers[0](input)))
        }
        #expect(fused.shape == pooledShape)
        #expect(fused.scalars == apart.scalars)
        for (ours, theirs) in zip(fusedGradients, apartGradients) { #expect(ours.scalars == theirs.scalars) }
    }

    @Test func leavesOtherBlocksToTheLayers() throws {
        let x = Tensor.randomNormal([2, 3, 10, 10], seed: 12)
        let conv = Conv2D(3, 4, kernelSize: 3, seed: 13)
        let notFused: [[any Layer]] = [
            [conv, MaxPool2D(2, stride: 1)],                                  // overlapping windows
            [conv, MaxPool2D(3)],                                             // 3×3 windows
            [conv, Activation.sigmoid, MaxPool2D(2)],                         // not ReLU
            [Conv2D(3, 4, kernelSize: 3, stride: 2, seed: 13), MaxPool2D(2)], // not a direct convolution
            [conv, Dropout(0.5), MaxPool2D(2)],                               // a layer between
            [conv],
        ]
        for layers in notFused {
            #expect(try Sequential(layers).convolutionWithPooling(at: 0, x) == nil)
        }
        #expect(try Sequential([conv, Activation.linear, Activation.relu, MaxPool2D(2)]).convolutionWithPooling(at: 0, x)?.next == 4)
    }

    @Test func throwsTheConvolutionsErrorForAWrongInput() {
        let block = Sequential([Conv2D(3, 4, kernelSize: 3, seed: 14), MaxPool2D(2)])
        #expect(throws: TensorError.self) { try block(Tensor.zeros([2, 5, 10, 10])) }
    }
}
