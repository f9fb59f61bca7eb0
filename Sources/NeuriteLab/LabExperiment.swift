import Foundation

/// The experiments of `neurite lab`, one per group of claims from the notes.
public enum LabExperiment: String, CaseIterable, Sendable {
    case approximation, features
    case linearCollapse = "linear-collapse"
    case activations, heads, initialization, vanishing, exploding
    case endToEnd = "end-to-end"

    /// Runs the experiment; `quick` shrinks the data and steps to fit well under a minute in a
    /// release build, `drawing` adds the figures to the report.
    public func run(quick: Bool, drawing: Bool = true) throws -> LabReport {
        switch self {
        case .approximation:
            var experiment = ApproximationExperiment()
            if quick { experiment.steps = 2000 }
            return experiment.report(try experiment.run(), drawing: drawing)
        case .features:
            var experiment = FeaturesExperiment()
            if quick { experiment.trainingSamples = 10_000; experiment.epochs = 2 }
            return experiment.report(try experiment.run(), drawing: drawing)
        case .linearCollapse:
            let experiment = LinearCollapseExperiment()
            return experiment.report(try experiment.run(), drawing: drawing)
        case .activations:
            var experiment = ActivationsExperiment()
            if quick { experiment.trainingSamples = 5000; experiment.steps = 300 }
            return experiment.report(try experiment.run(), drawing: drawing)
        case .heads:
            var experiment = HeadsExperiment()
            if quick { experiment.steps = 1200 }
            return experiment.report(try experiment.run(), drawing: drawing)
        case .initialization:
            let experiment = InitializationExperiment()
            return experiment.report(try experiment.run(), drawing: drawing)
        case .vanishing:
            let experiment = VanishingExperiment()
            return experiment.report(try experiment.run(), drawing: drawing)
        case .exploding:
            let experiment = ExplodingExperiment()
            return experiment.report(try experiment.run(), drawing: drawing)
        case .endToEnd:
            var experiment = EndToEndExperiment()
            if quick { experiment.epochScale = 0.4 }
            return experiment.report(try experiment.run(), drawing: drawing)
        }
    }
}
