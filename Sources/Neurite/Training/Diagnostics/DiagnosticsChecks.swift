extension TrainingDiagnostics {
    /// Activation statistics per layer of a ``Sequential``, from its layers run one by one on
    /// the probe batch (other models have no per-layer outputs to show).
    func measureActivations<Model: Layer>(of model: Model, into layers: inout [LayerDiagnostics]) throws {
        guard let sequential = model as? Sequential else { return }
        var output = probeBatch
        try withoutGradient {
            for (position, layer) in sequential.layers.enumerated() {
                output = try layer(output)
                guard let index = layers.firstIndex(where: { $0.layer == "layers.\(position)" }) ?? nextParameterless(position, sequential, layers) else { continue }
                let statistics = TensorStatistics(output)
                layers[index].activationMean = Double(statistics.mean)
                layers[index].activationStandardDeviation = Double(statistics.standardDeviation)
                if Self.endsInReLU(layer) { layers[index].deadFraction = DiagnosticsMeasurement.deadFraction(of: output) }
            }
        }
    }

    /// A separate activation layer reports on the parameterised layer before it
    /// (`Dense` then `Activation.relu` are one layer to a reader).
    private func nextParameterless(_ position: Int, _ model: Sequential, _ layers: [LayerDiagnostics]) -> Int? {
        guard model.layers[position] is Activation, position > 0 else { return nil }
        return layers.firstIndex { $0.layer == "layers.\(position - 1)" }
    }

    static func endsInReLU(_ layer: any Layer) -> Bool {
        if let dense = layer as? Dense { return dense.activation == .relu }
        return (layer as? Activation) == .relu
    }

    /// Raises the warnings `record` calls for, each at most once per layer and epoch.
    func check<Model: Layer>(_ record: DiagnosticsRecord, model: Model) {
        if let first = record.layers.first, let last = record.layers.last, record.layers.count > 1,
           last.gradientNorm > 0, first.gradientNorm < 1e-3 * last.gradientNorm {
            raise("vanishing:\(record.epoch)", String(
                format: "warning: step %ld: %@ gradient norm %.2e is below 1e-3 of the last layer's (%.2e): early-layer gradients vanish",
                record.step, first.layer, first.gradientNorm, last.gradientNorm))
        }
        for layer in record.layers {
            let start = noteEpochStart(layer.layer, layer.gradientNorm)
            if start > 0, layer.gradientNorm > 100 * start {
                raise("exploding:\(record.epoch):\(layer.layer)", String(
                    format: "warning: step %ld: %@ gradient norm grew %.0f× within epoch %ld (%.2e → %.2e): gradients explode",
                    record.step, layer.layer, layer.gradientNorm / start, record.epoch, start, layer.gradientNorm))
            }
        }
        for (name, parameter) in model.namedParameters where DiagnosticsMeasurement.isWeight(name) {
            if DiagnosticsMeasurement.unitsIdentical(parameter.value) {
                raise("symmetric:\(name)", "warning: step \(record.step): all \(parameter.value.shape[1]) units of \(DiagnosticsMeasurement.layerName(of: name)) are identical: the symmetry was never broken (zero or constant initialization?)")
            }
        }
    }
}
