/// What the diagnostics recorder measured for one layer at one step.
public struct LayerDiagnostics: Sendable, Codable, Equatable {
    /// The layer's path in the model, e.g. `"layers.0"`.
    public let layer: String
    /// ‖g‖₂ over the layer's parameters (weights and bias together).
    public var gradientNorm: Double
    /// The largest |g| of any of the layer's parameters.
    public var maximumGradient: Double
    /// ‖ΔW‖/‖W‖ for the layer's weights in this step's update: around 1e-3 is healthy; much
    /// smaller and the layer barely learns, much larger and it is being thrown around.
    public var updateToWeightRatio: Double?
    /// The mean of the layer's output on the probe batch.
    public var activationMean: Double?
    /// The standard deviation of the layer's output on the probe batch.
    public var activationStandardDeviation: Double?
    /// For a ReLU layer, the fraction of its units that output 0 for every probe sample (dead).
    public var deadFraction: Double?
}

/// One line of a diagnostics file: every layer's measurements at one step.
public struct DiagnosticsRecord: Sendable, Codable, Equatable {
    /// The epoch, from 1.
    public let epoch: Int
    /// The step within the whole run, from 1.
    public let step: Int
    /// The loss of this step's batch.
    public let loss: Double
    /// Every layer with parameters, first to last.
    public let layers: [LayerDiagnostics]
}

/// The measurements, as plain functions of tensors.
enum DiagnosticsMeasurement {
    /// The layer a parameter belongs to: its path without the last component
    /// (`layers.0.weight` → `layers.0`).
    static func layerName(of parameter: String) -> String {
        guard let dot = parameter.lastIndex(of: ".") else { return parameter }
        return String(parameter[..<dot])
    }

    /// Whether the parameter is a weight matrix or kernel (not a bias or a normalisation scale).
    static func isWeight(_ name: String) -> Bool { name.hasSuffix("weight") && !name.contains("norm") }

    /// ‖after − before‖ / ‖before‖.
    static func relativeChange(from before: Tensor, to after: Tensor) -> Double {
        var change = 0.0, size = 0.0
        before.withUnsafeBuffer { old in
            after.withUnsafeBuffer { new in
                for index in 0..<min(old.count, new.count) {
                    let difference = Double(new[index]) - Double(old[index])
                    change += difference * difference
                    size += Double(old[index]) * Double(old[index])
                }
            }
        }
        return size > 0 ? (change / size).squareRoot() : change > 0 ? .infinity : 0
    }

    /// The fraction of units (non-batch positions) that are 0 for every sample of `output`.
    static func deadFraction(of output: Tensor) -> Double {
        guard output.rank >= 2, output.shape[0] > 0 else { return 0 }
        let samples = output.shape[0], units = output.count / samples
        var alive = [Bool](repeating: false, count: units)
        output.withUnsafeBuffer { values in
            for sample in 0..<samples { for unit in 0..<units where values[sample * units + unit] > 0 { alive[unit] = true } }
        }
        return Double(alive.filter { !$0 }.count) / Double(max(1, units))
    }

    /// Whether every unit (column) of a `[inputs, units]` weight matrix is the same, to `tolerance`.
    static func unitsIdentical(_ weight: Tensor, tolerance: Float = 1e-7) -> Bool {
        guard weight.rank == 2, weight.shape[1] > 1 else { return false }
        let inputs = weight.shape[0], units = weight.shape[1]
        return weight.withUnsafeBuffer { values in
            for input in 0..<inputs {
                let first = values[input * units]
                for unit in 1..<units where abs(values[input * units + unit] - first) > tolerance { return false }
            }
            return true
        }
    }
}
