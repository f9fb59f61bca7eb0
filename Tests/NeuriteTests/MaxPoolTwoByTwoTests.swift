import Testing
@testable import Neurite

/// The C kernels of 2×2, stride-2 max pooling (`max_pool.c`) against a naive reference: ties
/// (the first maximum in row-major order wins), odd sizes (the last row and column belong to no
/// window, so their gradient must be 0 although the kernel does not zero the buffer), and a
/// tensor large enough to be split across threads.
@Suite("Max pooling 2×2 kernel")
struct MaxPoolTwoByTwoTests {
    @Test(arguments: [[2, 3, 7, 9], [4, 8, 45, 47], [1, 1, 2, 2]])
    func matchesTheNaiveReference(shape: [Int]) throws {
        let (height, width) = (shape[2], shape[3])
        // Few distinct values, so windows often hold ties.
        let x = Tensor.randomUniform(shape, from: 0, to: 4, seed: 21).scalars.map { $0.rounded(.down) }
        let input = try Tensor(shape: shape, scalars: x)
        let outputGradient = Tensor.randomNormal([shape[0], shape[1], height / 2, width / 2], seed: 22)
        let (pooled, gradients) = try valueWithGradient(at: [input]) { inputs in
            try (MaxPool2D(2)(inputs[0]) * outputGradient).sum()
        }
        _ = pooled

        var expectedGradient = [Float](repeating: 0, count: x.count)
        var expectedOutput: [Float] = []
        let g = outputGradient.scalars
        for plane in 0..<(shape[0] * shape[1]) {
            for row in 0..<(height / 2) {
                for column in 0..<(width / 2) {
                    var best = -Float.infinity, at = 0
                    for (dr, dc) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                        let index = plane * height * width + (2 * row + dr) * width + 2 * column + dc
                        if x[index] > best { (best, at) = (x[index], index) }
                    }
                    expectedOutput.append(best)
                    expectedGradient[at] += g[(plane * (height / 2) + row) * (width / 2) + column]
                }
            }
        }
        #expect(try MaxPool2D(2)(input).scalars == expectedOutput)
        #expect(gradients[0].scalars == expectedGradient)
    }
}
