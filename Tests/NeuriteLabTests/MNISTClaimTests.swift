import Neurite
import Testing
@testable import NeuriteLab

/// The claims measured on MNIST, on small subsets and few steps.
@Suite("Lab claims on MNIST")
struct MNISTClaimTests {
    @Test func activationDerivativesAndReluTrainsFasterThanSigmoid() throws {
        var experiment = ActivationsExperiment()
        experiment.trainingSamples = 1000
        experiment.hiddenLayers = [32, 32]
        experiment.steps = 80
        let result = try experiment.run()
        #expect(result.derivativeErrors.allSatisfy { $0.error < 5e-3 })
        #expect(abs(result.derivativeMaxima.first { $0.activation == .sigmoid }!.maximum - 0.25) < 1e-4)
        #expect(result.reluLosses.last! < result.sigmoidLosses.last!)
        #expect(result.reluTestAccuracy > result.sigmoidTestAccuracy)
    }

    @Test func firstLayerUnitsBecomeStrokeDetectors() throws {
        var experiment = FeaturesExperiment()
        experiment.trainingSamples = 1000
        experiment.hiddenUnits = 16
        experiment.epochs = 3
        experiment.minimumSteps = 0
        let result = try experiment.run()
        #expect(result.testAccuracy > 0.7)
        #expect(abs(result.initialSmoothness) < 0.1)
        #expect(result.trainedSmoothness > result.initialSmoothness + 0.2)
    }

    @Test func handMadeFeaturesWinWithLittleDataAndPixelsGainMore() throws {
        var experiment = EndToEndExperiment()
        experiment.sizes = [100, 2000]
        experiment.testSamples = 1000
        experiment.hiddenUnits = 32
        experiment.epochScale = 0.3
        let result = try experiment.run()
        #expect(result.featureAccuracies[0] > result.mlpAccuracies[0])
        #expect(result.mlpAccuracies[1] - result.mlpAccuracies[0] > result.featureAccuracies[1] - result.featureAccuracies[0])
    }

    @Test func crossingIsInterpolatedOnALogScale() {
        #expect(abs(EndToEndExperiment.crossing([100, 10_000], [0.5, 0.9], [0.6, 0.8])! - 1000) < 1e-6)
        #expect(EndToEndExperiment.crossing([100, 1000], [0.5, 0.6], [0.6, 0.7]) == nil)
        #expect(EndToEndExperiment.crossing([100, 1000], [0.5, 0.7], [0.6, 0.7]) == nil)  // a tie is no crossing
    }
}
