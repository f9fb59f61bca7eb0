import Foundation
@testable import Neurite

/// Reference values computed by an independent NumPy implementation with explicit loops
/// (`Tests/Fixtures/make_fixtures.py`), so the Swift kernels are checked against the definitions
/// rather than against themselves.
struct ConvolutionFixtures: Decodable {
    struct Convolution: Decodable {
        let name: String
        let inputShape: [Int], input: [Float]
        let weightShape: [Int], weight: [Float], bias: [Float]?
        let stride: Int, padding: [Int], dilation: Int
        let outputShape: [Int], output: [Float]
    }

    struct Pooling: Decodable {
        let kind: String
        let kernel: Int, stride: Int, padding: Int
        let inputShape: [Int], input: [Float]
        let outputShape: [Int], output: [Float]
    }

    struct BatchNormalization: Decodable {
        let inputShape: [Int], input: [Float]
        let gamma: [Float], beta: [Float], epsilon: Float
        let output: [Float]
    }

    let convolutions: [Convolution]
    let poolings: [Pooling]
    let batchNorms: [BatchNormalization]

    static let shared: ConvolutionFixtures = {
        let url = Bundle.module.url(forResource: "convolution", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(ConvolutionFixtures.self, from: Data(contentsOf: url))
    }()
}

/// The largest absolute difference between two equally long lists.
func largestDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "\(a.count) ≠ \(b.count) values")
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}
