import Foundation
import Neurite

/// The features a person would design for digits, computed from 28×28 images with ink in [0, 1]:
/// 49 block averages (4×4 blocks: where the ink is), 56 projection histograms (ink per row and
/// per column), and 64 stroke-direction histograms (4 edge orientations, weighted by edge
/// strength, in each of 16 regions of 7×7 pixels: which way the strokes run).
enum HandMadeFeatures {
    static let count = 49 + 56 + 64

    /// The features of every image of `images` (`[n, 784]`, ink in [0, 1]), `[n, count]`.
    static func extract(_ images: [Float], imageCount: Int) -> [Float] {
        var features = [Float](repeating: 0, count: imageCount * count)
        features.withUnsafeMutableBufferPointer { output in
            images.withUnsafeBufferPointer { input in
                for image in 0..<imageCount {
                    describe(input.baseAddress! + image * 784, into: output.baseAddress! + image * count)
                }
            }
        }
        return features
    }

    private static func describe(_ pixel: UnsafePointer<Float>, into feature: UnsafeMutablePointer<Float>) {
        for blockRow in 0..<7 { for blockColumn in 0..<7 {
            var sum: Float = 0
            for row in 0..<4 { for column in 0..<4 { sum += pixel[(blockRow * 4 + row) * 28 + blockColumn * 4 + column] } }
            feature[blockRow * 7 + blockColumn] = sum / 16
        } }
        for line in 0..<28 {
            var rowSum: Float = 0, columnSum: Float = 0
            for position in 0..<28 { rowSum += pixel[line * 28 + position]; columnSum += pixel[position * 28 + line] }
            feature[49 + line] = rowSum / 28
            feature[77 + line] = columnSum / 28
        }
        let directions = feature + 105
        for index in 0..<64 { directions[index] = 0 }
        for row in 1..<27 { for column in 1..<27 {
            let dx = pixel[row * 28 + column + 1] - pixel[row * 28 + column - 1]
            let dy = pixel[(row + 1) * 28 + column] - pixel[(row - 1) * 28 + column]
            let strength = (dx * dx + dy * dy).squareRoot()
            guard strength > 0 else { continue }
            // Orientation modulo π into 4 bins centred on 0°, 45°, 90°, 135°.
            var angle = atan2(dy, dx)
            if angle < 0 { angle += .pi }
            let bin = Int((angle + .pi / 8) / (.pi / 4)) % 4
            let region = min(3, row / 7) * 4 + min(3, column / 7)
            directions[region * 4 + bin] += strength / 10
        } }
    }

    /// `dataset`'s images as hand-made features, standardised with `statistics` (computed from a
    /// training set by ``statistics(of:)``), as a new dataset.
    static func dataset(_ dataset: Dataset, pixelMean: Float, pixelDeviation: Float, standardisedBy statistics: (mean: [Float], deviation: [Float])? = nil) throws -> (Dataset, (mean: [Float], deviation: [Float])) {
        let ink = dataset.inputs.scalars.map { $0 * pixelDeviation + pixelMean }
        var features = extract(ink, imageCount: dataset.count)
        let statistics = statistics ?? Self.statistics(of: features, imageCount: dataset.count)
        for index in features.indices { features[index] = (features[index] - statistics.mean[index % count]) / statistics.deviation[index % count] }
        return (try Dataset(inputs: Tensor(shape: [dataset.count, count], scalars: features), labels: dataset.labels), statistics)
    }

    /// Mean and standard deviation of each feature (at least 0.01, so constant features stay 0).
    static func statistics(of features: [Float], imageCount: Int) -> (mean: [Float], deviation: [Float]) {
        var mean = [Double](repeating: 0, count: count), squares = [Double](repeating: 0, count: count)
        for (index, value) in features.enumerated() { mean[index % count] += Double(value); squares[index % count] += Double(value) * Double(value) }
        let n = Double(max(1, imageCount))
        return (mean.map { Float($0 / n) }, zip(mean, squares).map { Float(max(0.01, ($1 / n - ($0 / n) * ($0 / n)).squareRoot())) })
    }
}
