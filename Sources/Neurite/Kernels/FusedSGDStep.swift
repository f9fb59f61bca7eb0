import CNeuriteKernels

extension Kernels {
    /// An SGD step that the backward pass applies to one weight matrix as it computes the
    /// matrix's gradient (`nk_sgemm_sgd`): the update's arithmetic runs on each tile of the
    /// gradient product while the tile is in registers, and the gradient is never stored.
    ///
    /// WHY: as a pass of its own the update reads the gradient, the velocity and the weights
    /// back from memory after the backward (160–167 µs of the 784-512-512-10 MLP's 1,927–1,992
    /// µs step at batch 128, in the C twin); fused, those reads overlap the product's arithmetic
    /// (`gemm_sgd.c` has the figures).
    ///
    /// The training loop arms one per weight before each step (SGDInBackward.swift); a dense
    /// layer whose weight is used once in the step's graph then computes its gradient through
    /// ``apply(input:outputGradient:samples:inputSize:outputSize:)``. A step that is armed but
    /// not applied (the weight used twice, or by an operation that does not fuse) leaves the
    /// gradient to the optimizer as usual.
    final class FusedSGDStep {
        private var constants = nk_sgd_step()
        private var weight: UnsafeMutablePointer<Float>?
        private var velocity: UnsafeMutablePointer<Float>?
        /// Whether a backward pass applied the step since it was last armed.
        private(set) var isApplied = false
        /// Whether every weight the applied step wrote is finite.
        private(set) var wroteFiniteWeights = true

        /// Ready for one step: the weights and velocity (nil: no momentum) to write in place,
        /// which nothing else may read or write until the step is over.
        func arm(weight: UnsafeMutablePointer<Float>, velocity: UnsafeMutablePointer<Float>?, constants: nk_sgd_step) {
            (self.weight, self.velocity, self.constants) = (weight, velocity, constants)
            isApplied = false
        }

        /// Applies the step with a dense layer's weight gradient inputᵀ·∂z, for `input` of
        /// `samples` × `inputSize` and `outputGradient` (∂z) of `samples` × `outputSize`.
        func apply(input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
                   samples: Int, inputSize: Int, outputSize: Int) {
            precondition(!isApplied, "an SGD step applied twice in one backward pass")
            guard let weight else { preconditionFailure("an SGD step applied before it was armed") }
            // The parts of the gradient a path stores (see gemm_sgd.c); from the pool, so no
            // allocation in steady state.
            let scratch = Tensor(uninitializedShape: [inputSize, outputSize])
            wroteFiniteWeights = withUnsafePointer(to: constants) { constants in
                nk_sgemm_sgd(1, 0, inputSize, outputSize, samples, input, inputSize, outputGradient, outputSize,
                             scratch.storage.base, weight, velocity, constants) != 0
            }
            isApplied = true
        }
    }
}
