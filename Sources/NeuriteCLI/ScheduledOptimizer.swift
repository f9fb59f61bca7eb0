import Neurite

/// An optimizer that sets its learning rate from a schedule before every step, so that
/// `trainEpoch`, which knows nothing of schedules, still trains with per-step rates and warm-ups.
///
/// A step begins when the model's first parameter comes round again: `update` steps every
/// parameter once, in model order.
struct ScheduledOptimizer: Optimizer {
    var scheduled: any Optimizer
    let schedule: LearningRateSchedule
    let baseLearningRate: Float
    let stepsPerEpoch: Int
    let epochs: Int
    /// Steps begun so far over the run.
    private(set) var stepsTaken = 0
    private var firstParameter: ObjectIdentifier?

    init(_ optimizer: any Optimizer, schedule: LearningRateSchedule, baseLearningRate: Float, stepsPerEpoch: Int, epochs: Int) {
        scheduled = optimizer
        self.schedule = schedule
        self.baseLearningRate = baseLearningRate
        self.stepsPerEpoch = stepsPerEpoch
        self.epochs = epochs
    }

    var learningRate: Float {
        get { scheduled.learningRate }
        set { scheduled.learningRate = newValue }
    }

    mutating func step(_ parameter: ParameterReference, gradient: Tensor) {
        let identity = ObjectIdentifier(parameter)
        if firstParameter == nil { firstParameter = identity }
        if identity == firstParameter {
            scheduled.learningRate = schedule.learningRate(
                base: baseLearningRate, step: stepsTaken, stepsPerEpoch: stepsPerEpoch, epochs: epochs)
            stepsTaken += 1
        }
        scheduled.step(parameter, gradient: gradient)
    }

    func stateTensors(for parameters: [(name: String, parameter: ParameterReference)]) -> [String: Tensor] {
        scheduled.stateTensors(for: parameters)
    }

    mutating func loadStateTensors(_ state: [String: Tensor], for parameters: [(name: String, parameter: ParameterReference)]) throws {
        try scheduled.loadStateTensors(state, for: parameters)
    }
}
