/// Layers applied one after another: the output of each is the input of the next.
///
/// A ``Conv2D`` followed by ReLU and a 2×2 ``MaxPool2D`` (LeNet's blocks) runs as one pass that
/// never stores the full-size activation; the result and the gradients are the same as the
/// layers' one by one.
///
/// ```swift
/// let model = Sequential {
///     Dense(784, 128, activation: .relu)
///     Dense(128, 10)
/// }
/// ```
public struct Sequential: Layer {
    /// The layers, first applied first.
    public var layers: [any Layer] { didSet { stateCache = LayerStateCache() } }

    /// The reflection walk's findings for these layers (``LayerStateCache``).
    var stateCache = LayerStateCache()

    /// A model applying `layers` in order.
    public init(_ layers: [any Layer]) { self.layers = layers }

    /// A model applying the layers listed in `build`, one per line, in order.
    public init(@LayerBuilder _ build: () -> [any Layer]) { self.layers = build() }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        // By index: `layers[index](…)` calls the layer where it is stored, while `for layer in layers`
        // (or `reduce`) copies each one out first, a retain and a release per parameter it holds.
        var activation = input
        var index = layers.startIndex
        while index < layers.endIndex {
            if let (output, next) = try convolutionWithPooling(at: index, activation) {
                (activation, index) = (output, next)
            } else {
                activation = try layers[index](activation)
                index += 1
            }
        }
        return activation
    }
}

/// Lets ``Sequential`` list its layers one per line.
@resultBuilder
public enum LayerBuilder {
    public static func buildExpression(_ layer: any Layer) -> [any Layer] { [layer] }
    public static func buildExpression(_ layers: [any Layer]) -> [any Layer] { layers }
    public static func buildBlock(_ parts: [any Layer]...) -> [any Layer] { parts.flatMap { $0 } }
    public static func buildArray(_ parts: [[any Layer]]) -> [any Layer] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [any Layer]?) -> [any Layer] { part ?? [] }
    public static func buildEither(first part: [any Layer]) -> [any Layer] { part }
    public static func buildEither(second part: [any Layer]) -> [any Layer] { part }
}
