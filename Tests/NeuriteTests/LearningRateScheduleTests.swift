import Foundation
import Testing
@testable import Neurite

@Suite("Learning-rate schedules")
struct LearningRateScheduleTests {
    /// The default must keep the README's `neurite train mnist` figures: epoch e of E trains at
    /// base·½(1 + cos(π(e − 1)/E)), the whole epoch long.
    @Test func defaultCosineKeepsTodaysPerEpochRates() {
        let stepsPerEpoch = 938, epochs = 10
        var printed: [String] = []
        for epoch in 1...epochs {
            let expected = Float(0.02) * Float(0.5 * (1 + cos(Double.pi * Double(epoch - 1) / Double(epochs))))
            for step in [(epoch - 1) * stepsPerEpoch, epoch * stepsPerEpoch - 1] {
                #expect(LearningRateSchedule.cosine.learningRate(base: 0.02, step: step, stepsPerEpoch: stepsPerEpoch, epochs: epochs) == expected)
            }
            printed.append(String(format: "%.4f", expected))
        }
        #expect(printed == ["0.0200", "0.0195", "0.0181", "0.0159", "0.0131", "0.0100", "0.0069", "0.0041", "0.0019", "0.0005"])
    }

    @Test func decaysPerEpochAndPerStep() {
        func rates(_ schedule: LearningRateSchedule, steps: Range<Int>, perEpoch: Int = 10, epochs: Int = 5) -> [Float] {
            steps.map { schedule.learningRate(base: 1, step: $0, stepsPerEpoch: perEpoch, epochs: epochs) }
        }
        #expect(rates(.constant, steps: 0..<3) == [1, 1, 1])
        // Every 2 epochs ×0.5: epochs 1–2 at 1, 3–4 at 0.5, 5 at 0.25.
        #expect(rates(.init(.step(every: 2, factor: 0.5)), steps: 0..<50).enumerated().allSatisfy { step, rate in
            rate == [1, 1, 0.5, 0.5, 0.25][step / 10]
        })
        #expect(rates(.init(.exponential(factor: 0.5), per: .step), steps: 0..<4) == [1, 0.5, 0.25, 0.125])
        #expect(rates(.init(.step(every: 3, factor: 0.5), per: .step), steps: 0..<7) == [1, 1, 1, 0.5, 0.5, 0.5, 0.25])
        let cosine = rates(.init(.cosine, per: .step), steps: 0..<50)
        #expect(cosine[0] == 1 && abs(cosine[25] - 0.5) < 1e-6 && cosine[49] < 0.01)
        #expect(zip(cosine, cosine.dropFirst()).allSatisfy { $0 > $1 })
        // Past the end the cosine stays at its end instead of rising again.
        #expect(rates(.cosine, steps: 60..<61) == [0])
    }

    /// A run of `Int.max` epochs (until early stopping; `--epochs 9223372036854775807`) overflowed
    /// the per-epoch cosine's length in intervals when an epoch was one step, and stopped the program.
    @Test func theLongestRunsGiveRatesAtTheirStart() {
        for schedule in [LearningRateSchedule.cosine, .init(.cosine, per: .step), .init(.step(every: 2, factor: 0.5)),
                         .init(.exponential(factor: 0.9)), .cosine.warmingUp(for: .steps(Int.max))] {
            for stepsPerEpoch in [1, 7, Int.max] {
                let rates = [0, 1, Int.max].map { schedule.learningRate(base: 1, step: $0, stepsPerEpoch: stepsPerEpoch, epochs: .max) }
                #expect(rates.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 }, "\(schedule), \(stepsPerEpoch) steps per epoch: \(rates)")
                // The base rate, or 1/Int.max of it one step into the endless warm-up.
                #expect(schedule.warmup == .steps(0) ? rates[0] == 1 : rates[0] < 1e-18, "\(schedule): \(rates[0]) at the first step")
            }
        }
    }

    @Test func warmupRisesLinearlyThenTheDecaySpansTheRest() {
        let warm = LearningRateSchedule(.constant, warmup: .steps(4))
        #expect((0..<6).map { warm.learningRate(base: 1, step: $0, stepsPerEpoch: 10, epochs: 1) } == [0.25, 0.5, 0.75, 1, 1, 1])
        // One warm-up epoch of 10 steps, then a per-epoch cosine over the 2 epochs left.
        let cosine = LearningRateSchedule.cosine.warmingUp(for: .epochs(1))
        let rates = [0, 9, 10, 19, 20, 29].map { cosine.learningRate(base: 1, step: $0, stepsPerEpoch: 10, epochs: 3) }
        #expect(rates[0] == 0.1 && rates[1] == 1 && rates[2] == 1 && rates[3] == 1)
        #expect(abs(rates[4] - 0.5) < 1e-6 && rates[5] == rates[4])
        #expect(LearningRateSchedule.Length.epochs(0.5).steps(perEpoch: 938) == 469)
    }

    @Test func textFormParsesAndPrints() throws {
        #expect(try LearningRateSchedule(parsing: "cosine") == .cosine)
        #expect(try LearningRateSchedule(parsing: "Constant") == .constant)
        #expect(try LearningRateSchedule(parsing: "step:2:0.5") == LearningRateSchedule(.step(every: 2, factor: 0.5)))
        #expect(try LearningRateSchedule(parsing: "exponential:0.999/step") == LearningRateSchedule(.exponential(factor: 0.999), per: .step))
        for text in ["cosine", "step:2:0.5/step", "exponential:0.9"] {
            #expect(try LearningRateSchedule(parsing: text).description == text)
        }
        #expect(LearningRateSchedule.cosine.warmingUp(for: .epochs(1)).description == "cosine, after 1 warm-up epoch")
        #expect(LearningRateSchedule.constant.warmingUp(for: .steps(500)).description == "constant, after 500 warm-up steps")
        let errors = [
            ("linear", "use constant, cosine"), ("step:0:0.5", "positive whole number"), ("step:2", "use constant"),
            ("exponential:1.5", "in (0, 1]"), ("cosine/hour", "'hour' is not step or epoch"), ("cosine/step/epoch", "use constant"),
        ]
        for (text, message) in errors {
            #expect { try LearningRateSchedule(parsing: text) } throws: { "\($0)".contains(message) }
        }
    }
}
