import ArgumentParser
import Foundation
import NeuriteLab

/// `neurite lab EXPERIMENT`: one claim of the notes, run, measured and drawn.
struct LabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Run an experiment behind a claim of the notes: figures, summary.json and a verdict.",
        discussion: "Experiments: " + LabExperiment.allCases.map(\.rawValue).joined(separator: ", ") + ", or all.")

    @Argument(help: "The experiment, or all.")
    var experiment: String

    @Option(help: "Where figures and summary.json go (one subdirectory per experiment with all).")
    var output: String = "lab-output"

    @Flag(help: "Smaller data and fewer steps: each experiment in seconds.")
    var quick = false

    func validate() throws {
        guard experiment == "all" || LabExperiment(rawValue: experiment) != nil else {
            throw ValidationError("unknown experiment '\(experiment)'; choose one of " + LabExperiment.allCases.map(\.rawValue).joined(separator: ", ") + ", all")
        }
    }

    func run() throws {
        let chosen = LabExperiment(rawValue: experiment).map { [$0] } ?? LabExperiment.allCases
        try OutputProbe.checkFolder(output, option: "--output")
        let root = URL(fileURLWithPath: output, isDirectory: true)
        let started = ContinuousClock.now
        for experiment in chosen {
            let clock = ContinuousClock.now
            let report = try experiment.run(quick: quick)
            let directory = chosen.count == 1 ? root : root.appendingPathComponent(experiment.rawValue)
            let written = try report.write(to: directory)
            print("\(experiment.rawValue)  (\(String(format: "%.1f", (ContinuousClock.now - clock).seconds))s)")
            for line in report.verdict { print("  " + line) }
            print("  wrote " + (written.map(\.path) + [directory.appendingPathComponent("summary.json").path]).joined(separator: ", "))
        }
        if chosen.count > 1 { print(String(format: "all experiments: %.1fs", (ContinuousClock.now - started).seconds)) }
    }
}
