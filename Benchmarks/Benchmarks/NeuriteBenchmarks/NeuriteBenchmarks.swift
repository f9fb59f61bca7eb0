// Micro-benchmarks of the operations a Neurite training run spends its time in, with the metric
// `neurite bench` cannot measure in-process: how many times malloc is called (mallocCountTotal,
// counted by package-benchmark's malloc interposer). The tensor buffer pool should make a
// steady-state step free of tensor allocations; what is left is Swift bookkeeping (arrays,
// closures, autograd nodes), and this shows how much.
import Benchmark
import Neurite

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .microseconds,
        // Enough to fill the buffer pool and the optimizer's velocities before anything counts.
        warmupIterations: 20,
        maxDuration: .seconds(2))

    gemm("GEMM 64×784·784×128 (dense forward)", m: 64, n: 128, k: 784)
    gemm("GEMM (64×784)ᵀ·64×128 (dense ∂weight)", m: 784, n: 128, k: 64, transposeA: true)
    gemm("GEMM 64×128·(784×128)ᵀ (dense ∂input)", m: 64, n: 784, k: 128, transposeB: true)
    gemm("GEMM 256×256·256×256", m: 256, n: 256, k: 256)
    trainingStep()
    inference()
}

/// The kernel alone, on buffers allocated once: any malloc counted is the GEMM's own.
private func gemm(_ name: String, m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false) {
    let a = filled(m * k), b = filled(k * n)
    let c = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
    Benchmark(name) { benchmark in
        for _ in benchmark.scaledIterations {
            KernelInfo.multiply(a, transposed: transposeA, b, transposed: transposeB, into: c, rows: m, columns: n, inner: k)
        }
        blackHole(c[0])
    }
}

/// One step of `trainEpoch`'s loop, written out so that one iteration is exactly one step:
/// gather the batch, forward, cross-entropy, backward, SGD with momentum, accuracy bookkeeping.
private func trainingStep() {
    var model = try! Architecture("dense(128, relu) dense(10)").build(inputShape: [784], seed: 1)
    var optimizer = SGD(learningRate: 0.01, momentum: 0.9)
    let batch = syntheticMNIST(count: 64).batches(size: 64)[0]
    Benchmark("MLP 784-128-10 training step, batch 64") { benchmark in
        for _ in benchmark.scaledIterations {
            let inputs = batch.inputs, labels = batch.labels
            var logits = Tensor.zeros([0])
            let (loss, gradients) = try! valueWithGradient(of: model) { model in
                logits = try model(inputs)
                return try crossEntropy(logits: logits, labels: labels)
            }
            optimizer.update(&model, along: gradients)
            blackHole(loss.scalar)
            blackHole(zip(logits.argmaxIndices(alongAxis: -1), labels).filter { $0 == $1 }.count)
        }
    }
}

private func inference() {
    let model = try! Architecture("dense(128, relu) dense(10)").build(inputShape: [784], seed: 1)
    let input = syntheticMNIST(count: 1).inputs
    Benchmark("MLP 784-128-10 inference, batch 1") { benchmark in
        withoutGradient {
            for _ in benchmark.scaledIterations { blackHole(try! model(input)) }
        }
    }
}

private func filled(_ count: Int) -> UnsafeMutablePointer<Float> {
    let matrix = UnsafeMutablePointer<Float>.allocate(capacity: count)
    var generator = RandomGenerator(seed: 1)
    for index in 0..<count { matrix[index] = Float.random(in: -1...1, using: &generator) }
    return matrix
}

/// Standard normal [count, 784] inputs and uniform labels 0–9, seeded, as `neurite bench` uses.
private func syntheticMNIST(count: Int) -> Dataset {
    var generator = RandomGenerator(seed: 7)
    let inputs = Tensor.randomNormal([count, 784], using: &generator)
    return try! Dataset(inputs: inputs, labels: (0..<count).map { _ in Int.random(in: 0..<10, using: &generator) })
}
