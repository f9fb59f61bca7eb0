import Testing
@testable import Neurite

@Suite("model summary")
struct ModelSummaryTests {
    @Test func denseLayersShowShapesAndCounts() throws {
        let model = Sequential {
            Dense(784, 128, activation: .relu)
            Dense(128, 10)
        }
        let summary = try model.summary()  // the first Dense gives the input shape
        #expect(summary.inputShape == [784])
        #expect(summary.rows.map(\.layer) == ["Dense(784 → 128, relu)", "Dense(128 → 10)"])
        #expect(summary.rows.map(\.outputShape) == [[128], [10]])
        #expect(summary.rows.map(\.trainableParameters) == [784 * 128 + 128, 128 * 10 + 10])
        #expect(summary.totalParameters == 101_770)
        #expect(summary.description == """
            layer                   output shape  parameters
            ------------------------------------------------
            input                   [784]
            Dense(784 → 128, relu)  [128]             100480
            Dense(128 → 10)         [10]                1290
            ------------------------------------------------
            total 101770 parameters: 101770 trainable, 0 non-trainable
            """)
    }

    @Test func leNetArchitectureMatchesHandCountedShapes() throws {
        let summary = try Architecture(Architecture.leNet5).summary(inputShape: [784])
        #expect(summary.rows.map(\.outputShape) == [
            [1, 28, 28], [6, 28, 28], [6, 28, 28], [6, 14, 14], [16, 10, 10], [16, 10, 10], [16, 5, 5],
            [400], [120], [84], [10],
        ])
        // conv: 6·1·5·5 + 6 and 16·6·5·5 + 16; dense: 400·120 + 120, 120·84 + 84, 84·10 + 10.
        #expect(summary.rows.map(\.trainableParameters) == [0, 156, 0, 0, 2416, 0, 0, 0, 48_120, 10_164, 850])
        #expect(summary.rows[1].layer == "conv(6, 5, padding: 2)")
        #expect(summary.trainableParameters == 61_706)
    }

    @Test func batchNormStatisticsAreNonTrainable() throws {
        let summary = try Architecture("dense(16, relu) batchnorm dense(2)").summary(inputShape: [3])
        #expect(summary.rows[1].trainableParameters == 32)
        #expect(summary.rows[1].nonTrainableParameters == 32)
        #expect(summary.nonTrainableParameters == 32)
        #expect(summary.totalParameters == (3 * 16 + 16) + 64 + (16 * 2 + 2))
    }

    @Test func badInputShapesThrow() throws {
        #expect(throws: TensorError.self) { try Sequential { Flatten() }.summary() }
        #expect(throws: TensorError.self) { try Sequential { Dense(4, 2) }.summary(inputShape: [5]) }
        #expect(throws: TensorError.self) { try Sequential { Dense(4, 2) }.summary(inputShape: [0]) }
        #expect(throws: ArchitectureError.self) { try Architecture("conv(4, 3)").summary(inputShape: [10]) }
    }
}
