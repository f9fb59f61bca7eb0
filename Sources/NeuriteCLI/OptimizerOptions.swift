import ArgumentParser
import Neurite

/// The optimizer and learning-rate schedule options every training command shares.
struct OptimizerOptions: ParsableArguments {
    /// The optimizers by their command-line names.
    enum Name: String, ExpressibleByArgument, CaseIterable {
        case sgd, nesterov, adam, adamw, rmsprop, adagrad

        /// PyTorch's default learning rate, except SGD's 0.02, which suits the MNIST MLP.
        var defaultLearningRate: Float {
            switch self {
            case .sgd, .nesterov: return 0.02
            case .adam, .adamw: return 1e-3
            case .rmsprop, .adagrad: return 1e-2
            }
        }

        var takesMomentum: Bool { [.sgd, .nesterov, .rmsprop].contains(self) }
    }

    @Option(help: "The optimizer: sgd, nesterov (SGD with Nesterov momentum), adam, adamw, rmsprop, adagrad (PyTorch's update rules).")
    var optimizer: Name = .sgd

    @Option(help: "The base step size. Default: 0.02 for sgd and nesterov, otherwise PyTorch's (adam, adamw 0.001; rmsprop, adagrad 0.01).")
    var learningRate: Float?

    @Option(help: "Momentum, for sgd, nesterov and rmsprop. Default: 0.9 for sgd and nesterov, 0 for rmsprop.")
    var momentum: Float?

    @Option(help: "Weight decay λ: added to the gradient as λ·w (L2), except adamw, which shrinks the weights by η·λ each step. Default: 0.01 for adamw, else 0.")
    var weightDecay: Float?

    @Option(help: ArgumentHelp(
        "Learning rate over the run: constant, cosine (decays toward 0), step:N:FACTOR (×FACTOR every N epochs), exponential:FACTOR (×FACTOR each epoch).",
        discussion: "Append /step to change the rate at every step instead of once per epoch (then N counts steps): cosine/step, exponential:0.9995/step."))
    var schedule: String = "cosine"

    @Option(help: "Linear warm-up over this many epochs (a fraction is allowed: 0.5 is half an epoch's steps), rising at every step to --learning-rate; the schedule decays over the rest of the run.")
    var warmup: Double = 0

    func validate() throws {
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) {
            throw ValidationError("--learning-rate must be a positive number")
        }
        if let momentum {
            guard optimizer.takesMomentum else { throw ValidationError("--momentum applies to sgd, nesterov and rmsprop, not \(optimizer.rawValue)") }
            guard (0..<1).contains(momentum) else { throw ValidationError("--momentum must be in [0, 1)") }
            if optimizer == .nesterov && momentum == 0 { throw ValidationError("--optimizer nesterov needs --momentum above 0") }
        }
        if let weightDecay, !(weightDecay >= 0 && weightDecay.isFinite) {
            throw ValidationError("--weight-decay must be a non-negative number")
        }
        guard warmup >= 0, warmup.isFinite else { throw ValidationError("--warmup must be a non-negative number of epochs") }
        do { _ = try LearningRateSchedule(parsing: schedule) } catch { throw ValidationError("--schedule: \(error)") }
    }

    /// The learning rate the run starts from (before the schedule).
    var baseLearningRate: Float { learningRate ?? optimizer.defaultLearningRate }

    /// The schedule, warm-up included; valid once `validate()` has passed.
    var learningRateSchedule: LearningRateSchedule {
        // Validated in validate(): the text parses.
        let decay = (try? LearningRateSchedule(parsing: schedule)) ?? .cosine
        return warmup > 0 ? decay.warmingUp(for: .epochs(warmup)) : decay
    }

    /// A new optimizer with these settings and no state.
    func makeOptimizer() -> any Optimizer {
        let rate = baseLearningRate, decay = weightDecay ?? 0
        switch optimizer {
        case .sgd: return SGD(learningRate: rate, momentum: momentum ?? 0.9, weightDecay: decay)
        case .nesterov: return SGD(learningRate: rate, momentum: momentum ?? 0.9, weightDecay: decay, nesterov: true)
        case .adam: return Adam(learningRate: rate, weightDecay: decay)
        case .adamw: return AdamW(learningRate: rate, weightDecay: weightDecay ?? 0.01)
        case .rmsprop: return RMSProp(learningRate: rate, weightDecay: decay, momentum: momentum ?? 0)
        case .adagrad: return Adagrad(learningRate: rate, weightDecay: decay)
        }
    }

    /// The settings in a phrase for the run's header: "SGD learning rate 0.02 (cosine), momentum 0.9".
    var summary: String {
        let names: [Name: String] = [
            .sgd: "SGD", .nesterov: "SGD (Nesterov)", .adam: "Adam", .adamw: "AdamW", .rmsprop: "RMSProp", .adagrad: "Adagrad",
        ]
        var text = "\(names[optimizer]!) learning rate \(baseLearningRate) (\(learningRateSchedule))"
        if optimizer.takesMomentum, optimizer != .rmsprop || momentum != nil { text += ", momentum \(momentum ?? 0.9)" }
        let decay = optimizer == .adamw ? weightDecay ?? 0.01 : weightDecay ?? 0
        if decay != 0 { text += ", weight decay \(decay)" }
        return text
    }
}
