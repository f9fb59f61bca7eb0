/// Whether a model is being trained or used.
///
/// A few layers behave differently in the two: dropout drops units only while training, and
/// batch normalisation uses the batch's statistics while training but the running averages when
/// evaluating (a prediction must not depend on the other samples of its batch).
public enum LayerMode: Sendable, Equatable {
    case training
    case evaluation

    /// Set for the duration of ``withLayerMode(_:_:)``; overrides every layer's own mode.
    @TaskLocal static var override: LayerMode?
}

/// The mode of one layer, shared by reference so that ``Layer/setMode(_:)`` can find it by
/// reflection and flip it from outside, as the optimizer does with parameters. Layers that
/// depend on the mode hold one and read ``current``.
public final class LayerModeSwitch: @unchecked Sendable {
    /// The mode set on the model; new layers start in training mode.
    public var mode: LayerMode

    /// A switch starting in `mode`.
    public init(_ mode: LayerMode = .training) { self.mode = mode }

    /// The mode in effect: that of an enclosing ``withLayerMode(_:_:)`` if any, else ``mode``.
    public var current: LayerMode { LayerMode.override ?? mode }
}

extension Layer {
    /// Puts every mode-dependent layer of the model in `mode`: `.evaluation` before using a
    /// trained model, `.training` before training it again.
    public func setMode(_ mode: LayerMode) {
        for modeSwitch in modeSwitches { modeSwitch.mode = mode }
    }
}

/// Runs `body` with every layer in `mode`, whatever mode the layers were set to, without
/// changing it. ``Layer/predict(_:batchSize:)`` and ``Layer/accuracy(on:batchSize:)`` evaluate
/// this way, so that nobody has to remember to switch a model before measuring it.
public func withLayerMode<R>(_ mode: LayerMode, _ body: () throws -> R) rethrows -> R {
    try LayerMode.$override.withValue(mode, operation: body)
}
