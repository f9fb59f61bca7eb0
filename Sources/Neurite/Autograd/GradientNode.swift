/// One recorded operation in the autograd graph.
///
/// A node knows the nodes of its tracked inputs and a closure that turns the gradient of its
/// output into gradients for those inputs (the chain rule for one operation). The graph lives
/// only as long as the tensors that point into it: once a step's loss and activations go out of
/// scope, the whole graph is freed, so nothing is retained between training steps.
final class GradientNode {
    let inputs: [GradientNode]
    /// Maps ∂loss/∂output to ∂loss/∂input for each entry of `inputs`, in order; nil for a leaf
    /// whose ``fusedStep`` consumed its gradient.
    let backward: (Tensor) -> [Tensor?]
    /// Set for leaves: the tensor whose gradient the caller asked for.
    let leafIdentifier: Int?
    /// For leaves: how many recorded operations take the leaf as an input.
    private(set) var uses = 0
    /// For a weight's leaf: the optimizer's step that an operation computing the whole gradient
    /// in one product may apply instead of returning the gradient (``stepConsumingGradient``).
    var fusedStep: Kernels.FusedSGDStep?

    /// The gradient accumulated so far during one backward pass.
    var gradient: Tensor?

    init(inputs: [GradientNode], backward: @escaping (Tensor) -> [Tensor?]) {
        self.inputs = inputs
        self.backward = backward
        self.leafIdentifier = nil
        for input in inputs where input.leafIdentifier != nil { input.uses += 1 }
    }

    init(leafIdentifier: Int) {
        self.inputs = []
        self.backward = { _ in [] }
        self.leafIdentifier = leafIdentifier
    }

    /// The fused step an operation may apply with this leaf's gradient: only where the operation
    /// is the leaf's one use, so that its contribution is the whole gradient.
    var stepConsumingGradient: Kernels.FusedSGDStep? {
        uses == 1 ? fusedStep : nil
    }

    /// Adds `contribution`, so a value used by several operations collects all their gradients.
    func accumulate(_ contribution: Tensor) {
        if let existing = gradient {
            gradient = Kernels.add(existing, contribution)
        } else {
            gradient = contribution.detached
        }
    }
}

/// Reverse-mode sweep from `root`: each node's gradient is complete before it is passed on,
/// because nodes are visited in reverse topological order.
///
/// `leafCompleted`, when given, is called with each leaf as soon as its gradient is final: when
/// the last of the nodes that use it has passed its contribution on. That is usually long before
/// the sweep reaches the leaf in its order (the depth-first order puts a layer's weight after
/// the whole chain below it), and it is what lets data-parallel training start averaging the
/// last layers' gradients while the first layers' are still being computed.
func backpropagate(from root: GradientNode, seed: Tensor, leafCompleted: ((GradientNode) -> Void)? = nil) {
    var order: [GradientNode] = []
    var visited = Set<ObjectIdentifier>()
    // Iterative depth-first search: deep graphs (long chains of layers) must not overflow the stack.
    var stack: [(node: GradientNode, expanded: Bool)] = [(root, false)]
    while let (node, expanded) = stack.popLast() {
        if expanded {
            order.append(node)
            continue
        }
        guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
        stack.append((node, true))
        for input in node.inputs where !visited.contains(ObjectIdentifier(input)) {
            stack.append((input, false))
        }
    }
    // For each leaf, the number of contributions still to come.
    var pendingUses: [ObjectIdentifier: Int] = [:]
    if leafCompleted != nil {
        for node in order {
            for input in node.inputs where input.leafIdentifier != nil { pendingUses[ObjectIdentifier(input), default: 0] += 1 }
        }
    }
    root.accumulate(seed)
    for node in order.reversed() {
        guard let gradient = node.gradient, !node.inputs.isEmpty else { continue }
        let inputGradients = node.backward(gradient)
        for (input, inputGradient) in zip(node.inputs, inputGradients) {
            if let inputGradient { input.accumulate(inputGradient) }
            guard let leafCompleted, input.leafIdentifier != nil else { continue }
            let remaining = pendingUses[ObjectIdentifier(input), default: 1] - 1
            pendingUses[ObjectIdentifier(input)] = remaining
            if remaining == 0 && input.gradient != nil { leafCompleted(input) }
        }
        node.gradient = nil  // interior gradients are not needed again: free them early
    }
}
