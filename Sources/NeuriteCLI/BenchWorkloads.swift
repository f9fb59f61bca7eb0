import Neurite

/// A model run end to end by `neurite bench`, with the PyTorch figure it is held against.
struct Workload: Sendable {
    let label: String
    let architecture: String
    let batchSize: Int
    let training: Bool
    /// PyTorch samples/s for the same workload, measured (2026) on this machine type; nil for a row
    /// held against the SGD-momentum row of the same model and batch, measured in the same run.
    let pytorchSamplesPerSecond: Double?
    /// The speed-up over the reference the work aims for (issue #3 for PyTorch; issue #7 for Adam:
    /// a step at most 10% dearer than SGD's, a speed ratio of at least 1/1.1).
    let goal: Double
    /// The optimizer of a training row.
    var optimizer: TrainingOptimizer = .sgdMomentum

    /// The optimizers the training rows use.
    enum TrainingOptimizer {
        /// SGD with momentum 0.9, as `neurite train` by default.
        case sgdMomentum
        /// Adam with PyTorch's defaults.
        case adam
    }

    static let mlp = "dense(128, relu) dense(10)"
    static let all: [Workload] = [
        Workload(label: "MLP 784-128-10 train, batch 64", architecture: mlp, batchSize: 64, training: true, pytorchSamplesPerSecond: 83_600, goal: 2),
        Workload(label: "MLP 784-128-10 train Adam, batch 64", architecture: mlp, batchSize: 64, training: true,
                 pytorchSamplesPerSecond: nil, goal: 1 / 1.1, optimizer: .adam),
        Workload(label: "MLP 784-128-10 train, batch 256", architecture: mlp, batchSize: 256, training: true, pytorchSamplesPerSecond: 183_000, goal: 1.3),
        Workload(label: "MLP 784-512-512-10 train, batch 128", architecture: "dense(512, relu) dense(512, relu) dense(10)",
                 batchSize: 128, training: true, pytorchSamplesPerSecond: 24_300, goal: 1.5),
        Workload(label: "LeNet-5 train, batch 64",
                 architecture: "reshape(1,28,28) conv(6,5,padding:2) relu maxpool(2) conv(16,5) relu maxpool(2) flatten dense(120,relu) dense(84,relu) dense(10)",
                 batchSize: 64, training: true, pytorchSamplesPerSecond: 5_540, goal: 3),
        Workload(label: "MLP 784-128-10 inference, batch 1", architecture: mlp, batchSize: 1, training: false, pytorchSamplesPerSecond: 14_980, goal: 10),
        Workload(label: "MLP 784-128-10 inference, batch 1000", architecture: mlp, batchSize: 1000, training: false, pytorchSamplesPerSecond: 566_000, goal: 1.2),
    ]
}

struct WorkloadResult {
    let samplesPerSecond: Double
    /// Tensor buffers the pool had to take from the system allocator, per step, in steady state.
    let systemAllocationsPerStep: Double
}

/// Steps of one pass over the synthetic data; small, so a pass is short, yet long enough that the
/// per-pass work of `trainEpoch` (shuffling, listing the batches) is a rounding error per step.
private let stepsPerPass = 32

extension Workload {
    /// Samples/s, measured for at least `minimumSeconds` after a warm-up pass. Training runs the library's
    /// `trainEpoch`, so each step is exactly what `neurite train` does: gather the batch, forward,
    /// cross-entropy, backward, the optimizer's update, accuracy bookkeeping.
    /// - Throws: ``ArchitectureError`` when the architecture uses layers this build lacks.
    func measure(minimumSeconds: Double) throws -> WorkloadResult {
        var model = try Architecture(architecture).build(inputShape: [784], seed: 1)
        let samples = training ? batchSize * stepsPerPass : batchSize
        let data = try syntheticMNIST(count: samples)

        if training {
            // Small rates: the labels are random, and the point is speed, not convergence.
            switch optimizer {
            case .sgdMomentum:
                var sgd = SGD(learningRate: 0.01, momentum: 0.9)
                return try measureTraining(&model, optimizer: &sgd, on: data, minimumSeconds: minimumSeconds)
            case .adam:
                var adam = Adam()
                return try measureTraining(&model, optimizer: &adam, on: data, minimumSeconds: minimumSeconds)
            }
        }
        let inputs = data.inputs
        var checksum: Float = 0  // read every output, so that nothing can be skipped
        let result = try withoutGradient {
            try measureSteps(minimumSeconds: minimumSeconds, stepsPerCall: 1) { checksum += try model(inputs)[0, 0] }
        }
        precondition(checksum.isFinite, "inference produced \(checksum)")
        return result
    }

    /// Training passes, with the optimizer's concrete type, so that its step is specialized as in
    /// a user's program.
    private func measureTraining<Model: Layer, Method: Optimizer>(
        _ model: inout Model, optimizer: inout Method, on data: Dataset, minimumSeconds: Double
    ) throws -> WorkloadResult {
        var pass: UInt64 = 0
        return try measureSteps(minimumSeconds: minimumSeconds, stepsPerCall: stepsPerPass) {
            pass += 1
            _ = try trainEpoch(&model, optimizer: &optimizer, on: data, batchSize: batchSize, seed: pass)
        }
    }

    /// Samples/s by `bestSecondsPerCall`'s rule, as the GEMM rows: training calls are whole passes
    /// (32 steps, each longer than its 10 ms batch), inference calls are batched.
    private func measureSteps(minimumSeconds: Double, stepsPerCall: Int, _ call: () throws -> Void) throws -> WorkloadResult {
        try call()  // warm-up: fills the buffer pool and the optimizer's velocities
        let before = KernelInfo.allocationStatistics.systemAllocations
        var calls = 0
        let seconds = try bestSecondsPerCall(minimumSeconds: minimumSeconds) {
            try call()
            calls += 1
        }
        let steps = Double(calls * stepsPerCall)
        return WorkloadResult(
            samplesPerSecond: Double(stepsPerCall * batchSize) / seconds,
            systemAllocationsPerStep: Double(KernelInfo.allocationStatistics.systemAllocations - before) / steps)
    }
}

/// MNIST-shaped data with nothing of MNIST in it: standardized normal pixels, uniform labels, seeded.
private func syntheticMNIST(count: Int) throws -> Dataset {
    var generator = RandomGenerator(seed: 7)
    let inputs = Tensor.randomNormal([count, 784], using: &generator)
    return try Dataset(inputs: inputs, labels: (0..<count).map { _ in Int.random(in: 0..<10, using: &generator) })
}
