import Neurite

/// A model run end to end by `neurite bench`. `scripts/peer_bench.py` runs the same rows, by `id`,
/// in PyTorch and JAX: the same shapes, data, batch and optimizer.
struct Workload: Sendable {
    /// The row's name in `scripts/peer_bench.py` and in `--processes` children's output.
    let id: String
    let label: String
    let architecture: String
    let batchSize: Int
    let training: Bool
    /// Multiply-adds of one sample's forward pass, counted by hand from the architecture (dense:
    /// inputs × outputs; convolution: output pixels × output channels × kernel area × input channels).
    let forwardMultiplyAdds: Int
    /// The optimizer of a training row.
    var optimizer: TrainingOptimizer = .sgdMomentum

    /// The optimizers the training rows use.
    enum TrainingOptimizer {
        /// SGD with momentum 0.9 (learning rate 0.01 here).
        case sgdMomentum
        /// Adam with PyTorch's defaults.
        case adam
    }

    static let mlp = "dense(128, relu) dense(10)"
    static let mlpMultiplyAdds = 784 * 128 + 128 * 10
    /// conv1 28²·6·5²·1, conv2 10²·16·5²·6, then dense 400·120, 120·84, 84·10.
    static let leNet5MultiplyAdds = 28 * 28 * 6 * 25 + 10 * 10 * 16 * 25 * 6 + 400 * 120 + 120 * 84 + 84 * 10
    static let all: [Workload] = [
        Workload(id: "mlp128-sgd-b64", label: "MLP 784-128-10 train, batch 64", architecture: mlp, batchSize: 64, training: true,
                 forwardMultiplyAdds: mlpMultiplyAdds),
        Workload(id: "mlp128-adam-b64", label: "MLP 784-128-10 train Adam, batch 64", architecture: mlp, batchSize: 64, training: true,
                 forwardMultiplyAdds: mlpMultiplyAdds, optimizer: .adam),
        Workload(id: "mlp128-sgd-b256", label: "MLP 784-128-10 train, batch 256", architecture: mlp, batchSize: 256, training: true,
                 forwardMultiplyAdds: mlpMultiplyAdds),
        Workload(id: "mlp512-sgd-b128", label: "MLP 784-512-512-10 train, batch 128",
                 architecture: "dense(512, relu) dense(512, relu) dense(10)", batchSize: 128, training: true,
                 forwardMultiplyAdds: 784 * 512 + 512 * 512 + 512 * 10),
        Workload(id: "lenet5-sgd-b64", label: "LeNet-5 train, batch 64", architecture: Architecture.leNet5, batchSize: 64, training: true,
                 forwardMultiplyAdds: leNet5MultiplyAdds),
        Workload(id: "mlp128-infer-b1", label: "MLP 784-128-10 inference, batch 1", architecture: mlp, batchSize: 1, training: false,
                 forwardMultiplyAdds: mlpMultiplyAdds),
        Workload(id: "mlp128-infer-b1000", label: "MLP 784-128-10 inference, batch 1000", architecture: mlp, batchSize: 1000, training: false,
                 forwardMultiplyAdds: mlpMultiplyAdds),
    ]

    /// Floating-point operations per sample: 2 per multiply-add; training counts three products per
    /// layer (forward, weight gradient, input gradient), the convention of issue 11's table.
    var flopsPerSample: Double { Double(forwardMultiplyAdds) * (training ? 6 : 2) }
}

struct WorkloadResult {
    let samplesPerSecond: Double
    /// Tensor buffers the pool had to take from the system allocator, per step, in steady state.
    let systemAllocationsPerStep: Double
    /// For the Adam row: SGD momentum's samples/s (best pass), timed in alternation with it.
    var sgdSamplesPerSecond: Double? = nil
    /// For the Adam row: the median over alternated pairs of SGD's pass time / Adam's.
    var speedRatioToSGD: Double? = nil
    /// The 512³ GEMM's GFLOPS, measured in the same process right before the row.
    var peakGFLOPS: Double? = nil
}

/// Steps of one pass over the synthetic data (the peers' passes have as many); small, so a pass is
/// short. Not free: at batch 64 on the 2-core VM, a pass's own work (the epoch's accuracy over
/// its 2048 predictions, 130–145 µs; the batch list, 16–18 µs) and the first step's wait for a
/// worker that went to sleep meanwhile came to about 5% of the pass. An epoch of `neurite train`
/// (938 steps) pays them once.
private let stepsPerPass = 32

extension Workload {
    /// Samples/s, measured for at least `minimumSeconds` after a warm-up pass. Training runs the library's
    /// `trainEpoch`, so each step is exactly what `neurite train` does: gather the batch, forward,
    /// cross-entropy, backward, the optimizer's update, accuracy bookkeeping.
    /// - Throws: ``ArchitectureError`` when the architecture uses layers this build lacks.
    func measure(minimumSeconds: Double) throws -> WorkloadResult {
        // The share-of-peak goals divide by the GEMM peak. On a shared host the speed of both moves
        // by up to 2× from one second to the next, so a peak measured at another moment (best of
        // the run, or one figure) compares a row with a different machine; measured just before the
        // row, in the same process and for as long (a longer window has more chances to catch a
        // quiet moment of the host), both see about the same host.
        let peak = measureGEMM(.square(512), minimumSeconds: minimumSeconds)
        var result = try measureRow(minimumSeconds: minimumSeconds)
        result.peakGFLOPS = peak
        return result
    }

    private func measureRow(minimumSeconds: Double) throws -> WorkloadResult {
        var model = try Architecture(architecture).build(inputShape: [784], seed: 1)
        let samples = training ? batchSize * stepsPerPass : batchSize
        let data = try syntheticMNIST(count: samples)

        if training {
            // Small rates: the labels are random, and the point is speed, not convergence.
            switch optimizer {
            case .sgdMomentum:
                var optimizer = SGD(learningRate: 0.01, momentum: 0.9)
                var pass: UInt64 = 0
                return try measureSteps(minimumSeconds: minimumSeconds, stepsPerCall: stepsPerPass) {
                    pass += 1
                    _ = try trainEpoch(&model, optimizer: &optimizer, on: data, batchSize: batchSize, seed: pass)
                }
            case .adam:
                return try measureAdamAgainstSGD(&model, on: data, minimumSeconds: minimumSeconds)
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

    /// Adam's passes alternated with SGD-momentum passes on an identical model: on a shared machine
    /// the load changes from second to second, and rows measured one after the other can each
    /// catch a different load; a pair of adjacent passes sees about the same one. The ratio is the
    /// median over the pairs (a best-of per optimizer can pick a lucky pass for one of them only).
    private func measureAdamAgainstSGD<Model: Layer>(_ model: inout Model, on data: Dataset, minimumSeconds: Double) throws -> WorkloadResult {
        var baseline = try Architecture(architecture).build(inputShape: [784], seed: 1)
        var sgd = SGD(learningRate: 0.01, momentum: 0.9), adam = Adam()
        func seconds(_ body: () throws -> Void) rethrows -> Double {
            let started = ContinuousClock.now
            try body()
            return (ContinuousClock.now - started).seconds
        }
        var bestSGD = Double.infinity, bestAdam = Double.infinity, total = 0.0, passes = 0
        var before = 0, ratios: [Double] = []
        while total < 2 * minimumSeconds || passes < 4 {
            if passes == 1 { before = KernelInfo.allocationStatistics.systemAllocations }  // after a warm-up pair
            let seed = UInt64(passes)
            let sgdSeconds = try seconds { _ = try trainEpoch(&baseline, optimizer: &sgd, on: data, batchSize: batchSize, seed: seed) }
            let adamSeconds = try seconds { _ = try trainEpoch(&model, optimizer: &adam, on: data, batchSize: batchSize, seed: seed) }
            if passes > 0 {
                (bestSGD, bestAdam, total) = (min(bestSGD, sgdSeconds), min(bestAdam, adamSeconds), total + sgdSeconds + adamSeconds)
                ratios.append(sgdSeconds / adamSeconds)
            }
            passes += 1
        }
        let samples = Double(stepsPerPass * batchSize)
        return WorkloadResult(
            samplesPerSecond: samples / bestAdam,
            systemAllocationsPerStep: Double(KernelInfo.allocationStatistics.systemAllocations - before) / Double(2 * (passes - 1) * stepsPerPass),
            sgdSamplesPerSecond: samples / bestSGD, speedRatioToSGD: median(ratios))
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
