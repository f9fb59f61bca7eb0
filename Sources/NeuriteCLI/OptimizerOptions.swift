import ArgumentParser
import Neurite

/// The optimizers by their command-line names.
enum OptimizerName: String, ExpressibleByArgument, CaseIterable {
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

/// What a training command uses when its options name no optimizer or rate: one recipe that
/// works on its own data, as Keras's and PyTorch's examples each pick theirs.
protocol OptimizerDefaults {
    static var optimizer: OptimizerName { get }
    static func learningRate(for optimizer: OptimizerName) -> Float
    /// `--learning-rate`'s help: the defaults above in words.
    static var learningRateHelp: String { get }
}

/// Images and tables: SGD with momentum 0.9 at 0.02, which trains the MNIST MLP to 98% in ten
/// epochs; every other optimizer at PyTorch's rate.
enum ImageAndTableDefaults: OptimizerDefaults {
    static let optimizer = OptimizerName.sgd
    static func learningRate(for optimizer: OptimizerName) -> Float { optimizer.defaultLearningRate }
    static let learningRateHelp = "The base step size. Default: 0.02 for sgd and nesterov, otherwise PyTorch's (adam, adamw 0.001; rmsprop, adagrad 0.01)."
}

/// Character models: Adam at 0.003 (with `train text`'s batches of 16). Ten epochs of an LSTM on
/// names.txt (loss on the whole text after training, then on its last tenth held out, nats per
/// character, 2026-12-01): the images' SGD recipe, batches of 32, 2.79 and 2.89, no better than
/// the letters' frequencies (entropy 2.81); Adam at 0.001, batches of 32, 2.24 and 2.57; batches
/// of 16, Adam at 0.003 1.56 and 2.40, at 0.005 1.39 and 2.47 (beginning to learn the text by heart).
enum TextDefaults: OptimizerDefaults {
    static let optimizer = OptimizerName.adam
    static func learningRate(for optimizer: OptimizerName) -> Float { optimizer == .adam ? 3e-3 : optimizer.defaultLearningRate }
    static let learningRateHelp = "The base step size. Default: 0.003 for adam, 0.02 for sgd and nesterov, otherwise PyTorch's (adamw 0.001; rmsprop, adagrad 0.01)."
}

/// The optimizer and learning-rate schedule options every training command shares, with its
/// own defaults.
struct OptimizerOptions<Defaults: OptimizerDefaults>: ParsableArguments {
    @Option(help: "The optimizer: sgd, nesterov (SGD with Nesterov momentum), adam, adamw, rmsprop, adagrad (PyTorch's update rules).")
    var optimizer: OptimizerName = Defaults.optimizer

    @Option(help: ArgumentHelp(Defaults.learningRateHelp))
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
    var baseLearningRate: Float { learningRate ?? Defaults.learningRate(for: optimizer) }

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
        let names: [OptimizerName: String] = [
            .sgd: "SGD", .nesterov: "SGD (Nesterov)", .adam: "Adam", .adamw: "AdamW", .rmsprop: "RMSProp", .adagrad: "Adagrad",
        ]
        var text = "\(names[optimizer]!) learning rate \(baseLearningRate) (\(learningRateSchedule))"
        if optimizer.takesMomentum, optimizer != .rmsprop || momentum != nil { text += ", momentum \(momentum ?? 0.9)" }
        let decay = optimizer == .adamw ? weightDecay ?? 0.01 : weightDecay ?? 0
        if decay != 0 { text += ", weight decay \(decay)" }
        return text
    }
}
