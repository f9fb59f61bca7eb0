import Foundation
import Testing
@testable import Neurite

/// Every optimizer against PyTorch's update rules, written out below in Double, and against
/// torch.optim's own trajectories (`scripts/optimizer_reference.py`), on the problem the script
/// defines: one parameter of six elements, loss ½·Σ aᵢ(wᵢ − cᵢ)², gradient a·(w − c).
@Suite("Optimizers")
struct OptimizerTests {
    @Test(arguments: OptimizerCase.all)
    func fiveStepsMatchPyTorchRulesAndTorchOptim(_ testCase: OptimizerCase) throws {
        var optimizer = testCase.make()
        let parameter = ParameterReference(Tensor(Problem.start.map(Float.init)))
        var rule = testCase.rule
        var expected = Problem.start
        let torch = try #require(OptimizerFixture.shared.trajectories[testCase.name])
        for step in 0..<5 {
            optimizer.step(parameter, gradient: Tensor(Problem.gradient(parameter.value.scalars.map(Double.init)).map(Float.init)))
            rule.step(&expected, gradient: Problem.gradient(expected))
            let ours = parameter.value.scalars.map(Double.init)
            #expect(relativeError(ours, expected) <= 1e-5, "\(testCase.name) step \(step + 1): \(ours) vs rule \(expected)")
            #expect(relativeError(ours, torch[step]) <= 1e-5, "\(testCase.name) step \(step + 1): \(ours) vs torch \(torch[step])")
            // The hand-written rule is itself PyTorch's.
            #expect(relativeError(expected, torch[step]) <= 1e-5, "\(testCase.name) step \(step + 1): rule vs torch")
        }
    }

    /// Adam's kernel runs 8 lanes at a time where the CPU has AVX2 and the tail element by element:
    /// the same numbers must come out of both, bit for bit (no fused multiply-adds anywhere).
    /// The buffers an optimizer says it keeps per parameter (for training's memory check) are
    /// the ones its checkpoint state holds after a step, besides the step count.
    @Test(arguments: OptimizerCase.all)
    func buffersPerParameterAreTheStateItKeeps(_ testCase: OptimizerCase) {
        var optimizer = testCase.make()
        let parameter = ParameterReference(Tensor(Problem.start.map(Float.init)))
        optimizer.step(parameter, gradient: Tensor(Problem.gradient(Problem.start).map(Float.init)))
        let buffers = optimizer.stateTensors(for: [("w", parameter)]).filter { $0.key != "w.step" }
        #expect(buffers.values.allSatisfy { $0.count == Problem.start.count })
        #expect(buffers.count == optimizer.buffersPerParameter, "\(testCase.name): \(buffers.keys.sorted())")
    }

    /// Training refuses a model whose parameters, gradients and optimizer buffers cannot fit.
    @Test func trainingThatCannotFitIsRefusedBeforeTheFirstStep() throws {
        #expect(throws: Never.self) { try Sequential.checkTrainingFits(parameterCount: 101_770, buffersPerParameter: 2) }
        #expect {
            try Sequential.checkTrainingFits(parameterCount: 1 << 40, buffersPerParameter: 1)
        } throws: { "\($0)".contains("training 1099511627776 parameters (with their gradients and 1 optimizer buffer each) needs 13.2 TB") }
        #expect {
            try Sequential.checkTrainingFits(parameterCount: 1 << 60, buffersPerParameter: 2)
        } throws: { "\($0)".contains("needs more bytes than a 64-bit count can hold") }
    }

    @Test func adamVectorAndTailRoundIdentically() {
        let pattern: [Float] = [0.3, -0.8, 1.2, -0.4], repeats = 5  // 16 elements in vectors, 4 in the tail
        let parameter = ParameterReference(Tensor(Array((0..<repeats).map { _ in pattern }.joined())))
        var optimizer = AdamW(learningRate: 0.05, weightDecay: 0.1)
        for _ in 0..<3 {
            optimizer.step(parameter, gradient: Tensor(parameter.value.scalars.map { 2 * ($0 - 0.25) }))
        }
        let values = parameter.value.scalars
        #expect(values.indices.allSatisfy { values[$0] == values[$0 % pattern.count] }, "\(values)")
        #expect(values[0] != pattern[0])
    }

    /// `neurite train mnist` must print the README's figures: momentum SGD without decay keeps the
    /// arithmetic it had before Nesterov and the shared state, v ← μ·v + g, w ← w − η·v, bit for bit.
    @Test func momentumSGDKeepsItsFormerArithmetic() {
        let parameter = ParameterReference(Tensor(Problem.start.map(Float.init)))
        var optimizer = SGD(learningRate: 0.02, momentum: 0.9)
        var w = Problem.start.map(Float.init), v = [Float](repeating: 0, count: w.count)
        for _ in 0..<5 {
            let g = (0..<w.count).map { Float(Problem.scales[$0]) * (w[$0] - Float(Problem.centers[$0])) }
            optimizer.step(parameter, gradient: Tensor(g))
            for index in w.indices {
                v[index] = 0.9 * v[index] + g[index] + 0 * w[index]
                w[index] -= 0.02 * v[index]
            }
        }
        #expect(parameter.value.scalars == w)
    }

    @Test func defaultsArePyTorchs() {
        let adam = Adam(), adamW = AdamW(), rmsProp = RMSProp(), adagrad = Adagrad(), sgd = SGD()
        #expect(adam.learningRate == 1e-3 && adam.beta1 == 0.9 && adam.beta2 == 0.999 && adam.epsilon == 1e-8 && adam.weightDecay == 0)
        #expect(Adam(learningRate: 1e-3).learningRate == adam.learningRate)
        #expect(adamW.learningRate == 1e-3 && adamW.weightDecay == 0.01)
        #expect(rmsProp.learningRate == 1e-2 && rmsProp.alpha == 0.99 && rmsProp.epsilon == 1e-8 && rmsProp.momentum == 0 && !rmsProp.centered)
        #expect(adagrad.learningRate == 1e-2 && adagrad.learningRateDecay == 0 && adagrad.epsilon == 1e-10 && adagrad.initialAccumulator == 0)
        #expect(sgd.learningRate == 1e-3 && sgd.momentum == 0 && !sgd.nesterov)
    }

    @Test func stateKeysFollowPyTorchNames() {
        let parameters = Problem.namedParameters()
        var adam: any Optimizer = Adam()
        Problem.run(&adam, parameters, steps: 1)
        #expect(adam.stateTensors(for: parameters).keys.sorted() == [
            "layers.0.bias.exp_avg", "layers.0.bias.exp_avg_sq", "layers.0.bias.step",
            "layers.0.weight.exp_avg", "layers.0.weight.exp_avg_sq", "layers.0.weight.step",
        ])
        var sgd: any Optimizer = SGD(learningRate: 0.1)
        Problem.run(&sgd, parameters, steps: 1)
        #expect(sgd.stateTensors(for: parameters).isEmpty)  // plain SGD keeps nothing
    }

    /// Stopping, saving the state, and resuming in fresh objects (as a new process would) ends
    /// bit-identical to never stopping; the saved state does not change when training goes on.
    @Test(arguments: ["sgd-nesterov", "adam", "adamw", "rmsprop-centered", "adagrad"])
    func stateRoundTripContinuesBitIdentically(_ name: String) throws {
        let make = try #require(OptimizerCase.all.first { $0.name == name }).make
        let uninterrupted = Problem.namedParameters()
        var reference = make()
        Problem.run(&reference, uninterrupted, steps: 6)

        let first = Problem.namedParameters()
        var stopped = make()
        Problem.run(&stopped, first, steps: 3)
        let saved = stopped.stateTensors(for: first), weights = first.map { $0.parameter.value }
        Problem.run(&stopped, first, steps: 2)  // must not reach into `saved`

        let resumed = Problem.namedParameters()
        for (parameter, value) in zip(resumed, weights) { parameter.parameter.value = value }
        var restarted = make()
        try restarted.loadStateTensors(saved, for: resumed)
        Problem.run(&restarted, resumed, steps: 3)
        for (ours, theirs) in zip(resumed, uninterrupted) {
            #expect(ours.parameter.value.scalars == theirs.parameter.value.scalars, "\(name): \(ours.name)")
        }
    }

    @Test func stepCountsRoundTripExactlyPastFloatPrecision() throws {
        for count in [0, 1, 16_777_217, 1 << 40 + 12_345, 1 << 48 - 1] {
            let tensor = OptimizerState.encode(stepCount: count)
            #expect(try OptimizerState.decode(stepCount: tensor, key: "w.step") == count)
        }
        #expect(throws: TensorError.self) { try OptimizerState.decode(stepCount: Tensor([1.5, 0]), key: "w.step") }
        #expect(throws: TensorError.self) { try OptimizerState.decode(stepCount: Tensor([3]), key: "w.step") }
    }

    @Test func mismatchedStateIsRejectedAndLeavesTheOptimizerAlone() throws {
        let parameters = Problem.namedParameters()
        var adam: any Optimizer = Adam()
        Problem.run(&adam, parameters, steps: 2)
        let state = adam.stateTensors(for: parameters)
        var sgd = SGD(learningRate: 0.1, momentum: 0.9)
        #expect { try sgd.loadStateTensors(state, for: parameters) } throws: { "\($0)".contains("SGD keeps no state named") }
        var partial = state
        partial["layers.0.bias.exp_avg_sq"] = nil
        #expect { try adam.loadStateTensors(partial, for: parameters) } throws: { "\($0)".contains("lacks layers.0.bias.exp_avg_sq") }
        var misshapen = state
        misshapen["layers.0.weight.exp_avg"] = Tensor.zeros([7])
        #expect { try adam.loadStateTensors(misshapen, for: parameters) } throws: { "\($0)".contains("has shape [7]") }
        #expect(adam.stateTensors(for: parameters) == state)
    }
}

/// The largest |x − r| / max(|r|, 10⁻³) over the elements.
private func relativeError(_ values: [Double], _ reference: [Double]) -> Double {
    zip(values, reference).map { abs($0 - $1) / max(abs($1), 1e-3) }.max() ?? .infinity
}

/// The fixed problem of `scripts/optimizer_reference.py`.
enum Problem {
    static let start: [Double] = [0.3, -0.8, 1.2, -0.4, 0.9, 0.05]
    static let scales: [Double] = [0.5, 1, 2, 4, 0.25, 3]
    static let centers: [Double] = [1, -1, 0.5, 2, -0.5, 0]

    static func gradient(_ w: [Double]) -> [Double] { (0..<w.count).map { scales[$0] * (w[$0] - centers[$0]) } }

    /// Two parameters named as in a model, holding the start point split 4 + 2.
    static func namedParameters() -> [(name: String, parameter: ParameterReference)] {
        let values = start.map(Float.init)
        return [
            ("layers.0.weight", ParameterReference(try! Tensor(shape: [2, 2], scalars: Array(values[0..<4])))),
            ("layers.0.bias", ParameterReference(Tensor(Array(values[4...])))),
        ]
    }

    /// `steps` updates of both parameters, the gradient computed in Float from the current values.
    static func run(_ optimizer: inout any Optimizer, _ parameters: [(name: String, parameter: ParameterReference)], steps: Int) {
        for _ in 0..<steps {
            let w = parameters.flatMap { $0.parameter.value.scalars }
            let g = (0..<w.count).map { Float(scales[$0]) * (w[$0] - Float(centers[$0])) }
            var offset = 0
            for (_, parameter) in parameters {
                let count = parameter.value.count
                optimizer.step(parameter, gradient: try! Tensor(shape: parameter.value.shape, scalars: Array(g[offset..<offset + count])))
                offset += count
            }
        }
    }
}

/// torch.optim's trajectories, written by `scripts/optimizer_reference.py`.
struct OptimizerFixture: Decodable {
    let trajectories: [String: [[Double]]]

    static let shared: OptimizerFixture = {
        let url = Bundle.module.url(forResource: "optimizers", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(OptimizerFixture.self, from: Data(contentsOf: url))
    }()
}
