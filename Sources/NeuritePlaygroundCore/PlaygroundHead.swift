import Neurite

/// The output head the page asks for: `auto` lets the task decide.
public enum PlaygroundHeadChoice: String, Codable, CaseIterable, Sendable {
    case auto, sigmoid, softmax, linear, relu
}

/// The output head of a session: the last layer's units and activation, the loss it pairs with,
/// and the sentence the page shows to say why it fits (or does not fit) the task.
///
/// The pairs are those of Neurite's ``Loss``: a sigmoid unit trained on its logit with binary
/// cross-entropy gives P(class 1); softmax over one logit per class with cross-entropy gives a
/// distribution over classes; a linear unit with squared error predicts any real number; a ReLU
/// unit with squared error predicts only non-negative ones. A head that does not match the task
/// (a linear head on classes, a sigmoid on a signed function) is allowed: seeing it fail is the
/// lesson. Only softmax on 1-D regression, which has no classes, is refused.
public struct PlaygroundHead: Sendable {
    /// The head in use (never `auto`).
    public let choice: PlaygroundHeadChoice
    /// Why this head fits the task, in one sentence.
    public let reason: String
    /// Whether the task is classification (2-D points or MNIST digits).
    public let isClassification: Bool
    /// The number of classes (2 for 2-D points, 10 for MNIST), 0 for regression.
    public let classCount: Int

    /// The head for `choice` on `dataset`.
    /// - Throws: ``PlaygroundError`` `bad-config` for softmax on 1-D regression.
    public init(choice: PlaygroundHeadChoice, dataset: PlaygroundDatasetKind) throws {
        classCount = dataset == .mnist ? 10 : (dataset.isPlanar ? 2 : 0)
        isClassification = classCount > 0
        let resolved: PlaygroundHeadChoice
        switch (choice, dataset) {
        case (.auto, .mnist): resolved = .softmax
        case (.auto, .function): resolved = .linear
        case (.auto, _): resolved = .sigmoid
        default: resolved = choice
        }
        self.choice = resolved
        switch (resolved, isClassification) {
        case (.softmax, false):
            throw PlaygroundError(.badConfig, "head softmax needs classes; a 1-D function has one real output (use linear)")
        case (.sigmoid, true) where classCount == 2:
            reason = "two classes: one sigmoid unit gives P(class 1), trained with binary cross-entropy"
        case (.sigmoid, true):
            reason = "one sigmoid unit per digit, each a yes/no question trained with binary cross-entropy; they need not sum to 1"
        case (.softmax, true):
            reason = "\(classCount) classes: softmax over \(classCount) logits gives a probability per class, trained with cross-entropy"
        case (.linear, true):
            reason = "a linear output fitted to 0/1 targets by squared error: it works, but its values are not probabilities"
        case (.relu, true):
            reason = "a ReLU output fitted to 0/1 targets by squared error: a unit stuck below zero stops learning"
        case (.linear, false):
            reason = "regression on any real number: one linear unit, trained with mean squared error"
        case (.relu, false):
            reason = "a ReLU unit can only output values ≥ 0: right for |x| or x², wrong where f(x) < 0"
        case (.sigmoid, false):
            reason = "a sigmoid unit can only output values in (0, 1): it cannot fit a function outside that band"
        case (.auto, _):
            preconditionFailure("auto is resolved above")
        }
    }

    /// The units of the last layer.
    public var outputUnits: Int { choice == .softmax || (classCount > 2) ? classCount : 1 }

    /// The last layer's activation: the link is fused into the loss for logits (sigmoid on
    /// classes, softmax), applied by the layer otherwise.
    public var activation: Activation {
        switch choice {
        case .relu: return .relu
        case .sigmoid where !isClassification: return .sigmoid
        default: return .linear
        }
    }

    /// The loss this head trains with.
    public var loss: Loss {
        switch choice {
        case .softmax: return .crossEntropy
        case .sigmoid where isClassification: return .binaryCrossEntropy(fromLogits: true)
        default: return .meanSquaredError
        }
    }

    /// The targets the loss compares with, from class labels: class indices for softmax, 0/1 as
    /// `[n, 1]` for a single unit, one-hot rows for one unit per class.
    public func targets(labels: [Int]) throws -> Tensor {
        if choice == .softmax { return Tensor(labels.map(Float.init)) }
        if outputUnits == 1 { return try Tensor(shape: [labels.count, 1], scalars: labels.map(Float.init)) }
        return try Tensor.oneHot(labels, classCount: classCount)
    }
}
