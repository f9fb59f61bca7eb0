/// Loading a PyTorch `state_dict` (saved with `safetensors.torch.save_file`) into a Neurite model.
///
/// The names of a `state_dict` say which module a tensor belongs to (`0.weight`, `fc1.bias`,
/// `features.3.running_mean`), not which Neurite layer it fits, and a safetensors file does not
/// keep the order of the `state_dict`. So modules are put in natural order of their names
/// (`features.2` before `features.10`, `conv2` before `fc1`), and the n-th module with parameters
/// feeds the n-th Neurite layer with parameters: Dense ← Linear, Conv2D ← Conv2d,
/// BatchNorm ← BatchNorm1d/2d. That is the order a PyTorch model built in the order of its
/// forward pass has, whether it is an `nn.Sequential` or names its modules `conv1 … fc3`.
extension Sequential {
    /// Replaces the parameters of the model's dense, conv and batchnorm layers by those of a
    /// PyTorch `state_dict`, matched in order (see above). Linear weights are transposed from
    /// PyTorch's `[out, in]` to Dense's `[in, out]`; Conv2d weights `[out, in, kh, kw]` are
    /// Conv2D's layout already; BatchNorm's `weight`, `bias`, `running_mean` and `running_var`
    /// become γ, β and the running statistics (`num_batches_tracked` is ignored).
    ///
    /// ```swift
    /// let model = try Architecture("dense(128, relu) dense(10)").build(inputShape: [784], seed: 0)
    /// try model.loadPyTorchStateDict(Safetensors.read(from: url).tensors)
    /// ```
    /// - Throws: ``InteropError`` naming the tensor that is missing, left over, of another shape
    ///   (both shapes given) or not finite; the model is left unchanged then.
    public func loadPyTorchStateDict(_ stateDict: [String: Tensor]) throws {
        var modules: [String: [String: Tensor]] = [:]
        for (name, tensor) in stateDict {
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            let module = parts.dropLast().joined(separator: "."), key = String(parts.last!)
            if key != "num_batches_tracked" { modules[module, default: [:]][key] = tensor }
        }
        let order = modules.keys.sorted(by: naturallyPrecedes)
        let layers = PortableLayer.flattened(self).filter { $0 is Dense || $0 is Conv2D || $0 is BatchNorm }

        var assignments: [(ParameterReference, Tensor)] = []
        for (index, layer) in layers.enumerated() {
            // Past the last module of the file, errors name the tensor by the module's position.
            let module = index < order.count ? order[index] : "<module \(index + 1)>"
            let tensors = modules[module] ?? [:]
            let wanted = PyTorchLayout.tensors(of: layer)
            let layerName = "Neurite layer \(index + 1) with parameters (\(PyTorchLayout.describe(layer)))"
            for expected in wanted {
                let key = expected.key, name = module.isEmpty ? key : "\(module).\(key)"
                guard let tensor = tensors[key] else { throw InteropError.missingTensor(name, expected: expected.shape, forLayer: layerName) }
                guard tensor.shape == expected.shape else {
                    throw InteropError.shapeMismatch(name, found: tensor.shape, expected: expected.shape, forLayer: layerName)
                }
                guard tensor.isFinite else { throw InteropError.nonFinite(name) }
                assignments.append((expected.parameter, try expected.toNeurite(tensor)))
            }
            let extra = Set(tensors.keys).subtracting(wanted.map(\.key))
            if !extra.isEmpty { throw InteropError.extraTensors(extra.sorted().map { module.isEmpty ? $0 : "\(module).\($0)" }) }
        }
        if order.count > layers.count {
            throw InteropError.extraTensors(order[layers.count...].flatMap { module in
                modules[module]!.keys.sorted().map { module.isEmpty ? $0 : "\(module).\($0)" }
            })
        }
        for (parameter, value) in assignments { parameter.value = value }
    }
}

/// Whether `a` comes before `b` when runs of digits compare as numbers: `2` < `10`,
/// `features.9` < `features.10`, `fc2` < `fc10`.
func naturallyPrecedes(_ a: String, _ b: String) -> Bool {
    func chunks(_ text: String) -> [(isNumber: Bool, text: Substring)] {
        var result: [(Bool, Substring)] = []
        var rest = Substring(text)
        while let first = rest.first {
            let isNumber = first.isASCII && first.isNumber
            let chunk = rest.prefix { ($0.isASCII && $0.isNumber) == isNumber }
            result.append((isNumber, chunk))
            rest = rest.dropFirst(chunk.count)
        }
        return result
    }
    for (x, y) in zip(chunks(a), chunks(b)) where x.text != y.text {
        if x.isNumber && y.isNumber, let m = Int(x.text), let n = Int(y.text), m != n { return m < n }
        return x.text < y.text
    }
    return a.count < b.count
}
