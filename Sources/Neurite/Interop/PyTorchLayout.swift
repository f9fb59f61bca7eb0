/// How the parameters of Neurite's layers are laid out and named in PyTorch's modules.
enum PyTorchLayout {
    /// One tensor of a PyTorch module: its key in the module (`weight`), its shape in PyTorch,
    /// and the Neurite parameter it holds.
    struct Entry {
        let key: String
        let shape: [Int]
        let parameter: ParameterReference
        /// Linear weights are `[out, in]` in PyTorch and `[in, out]` in Dense.
        let isTransposed: Bool

        func toNeurite(_ tensor: Tensor) throws -> Tensor { isTransposed ? tensor.transposed() : tensor.detached }
        func toPyTorch() throws -> Tensor { isTransposed ? parameter.value.transposed() : parameter.value.detached }
    }

    /// The tensors of the PyTorch module (Linear, Conv2d, BatchNorm) matching `layer`, in
    /// `state_dict` order; empty for layers without parameters.
    static func tensors(of layer: any Layer) -> [Entry] {
        switch layer {
        case let dense as Dense:
            let weight = Entry(key: "weight", shape: [dense.outputSize, dense.inputSize], parameter: dense.$weight, isTransposed: true)
            return [weight] + (dense.bias.map { [Entry(key: "bias", shape: [dense.outputSize], parameter: $0, isTransposed: false)] } ?? [])
        case let conv as Conv2D:
            let weight = Entry(key: "weight", shape: conv.weight.shape, parameter: conv.$weight, isTransposed: false)
            return [weight] + (conv.bias.map { [Entry(key: "bias", shape: [conv.outChannels], parameter: $0, isTransposed: false)] } ?? [])
        case let norm as BatchNorm:
            let shape = [norm.featureCount]
            return [
                Entry(key: "weight", shape: shape, parameter: norm.$gamma, isTransposed: false),
                Entry(key: "bias", shape: shape, parameter: norm.$beta, isTransposed: false),
                Entry(key: "running_mean", shape: shape, parameter: norm.runningMean, isTransposed: false),
                Entry(key: "running_var", shape: shape, parameter: norm.runningVariance, isTransposed: false),
            ]
        default:
            return []
        }
    }

    /// "Dense 784→128", how errors name a layer.
    static func describe(_ layer: any Layer) -> String {
        switch layer {
        case let dense as Dense: return "Dense \(dense.inputSize)→\(dense.outputSize), PyTorch's Linear"
        case let conv as Conv2D:
            return "Conv2D \(conv.inChannels)→\(conv.outChannels) \(conv.kernelSize)×\(conv.kernelSize), PyTorch's Conv2d"
        case let norm as BatchNorm: return "BatchNorm of \(norm.featureCount) features, PyTorch's BatchNorm"
        default: return String(describing: type(of: layer))
        }
    }
}
