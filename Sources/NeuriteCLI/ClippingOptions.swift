import ArgumentParser
import Neurite

/// Gradient clipping, shared by every `neurite train` subcommand: by global norm (keeps the
/// direction) or by value (bounds each component to [-N, N]), never both.
struct ClippingOptions: ParsableArguments {
    @Option(help: "Scale gradients to at most this global norm before each step.")
    var clipNorm: Float?

    @Option(help: "Limit every gradient component to [-N, N] before each step.")
    var clipValue: Float?

    func validate() throws {
        if clipNorm != nil && clipValue != nil { throw ValidationError("use either --clip-norm or --clip-value, not both") }
        if let limit = clipNorm ?? clipValue, !(limit > 0) || !limit.isFinite { throw ValidationError("clipping limits must be positive") }
    }

    /// How gradients are bounded, or nil for no clipping.
    var clipping: GradientClipping? { clipNorm.map(GradientClipping.norm) ?? clipValue.map(GradientClipping.value) }
}
