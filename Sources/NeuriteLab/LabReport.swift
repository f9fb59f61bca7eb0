import Foundation
import NeuritePlot

/// What one experiment measured and drew: the numbers behind its claim, a three-line verdict in
/// plain language citing them, and its figures.
public struct LabReport: Sendable {
    /// The experiment's command-line name, e.g. `"vanishing"`.
    public let experiment: String
    /// The measured numbers, in the order they are reported.
    public var numbers: [(name: String, value: Double)]
    /// Three sentences: what was done, what was measured, what it shows.
    public var verdict: [String]
    /// Figures by file name without extension; empty when the experiment ran without drawing.
    public var figures: [(name: String, figure: Figure)]

    /// A report of `experiment`.
    public init(experiment: String, numbers: [(name: String, value: Double)], verdict: [String], figures: [(name: String, figure: Figure)]) {
        self.experiment = experiment
        self.numbers = numbers
        self.verdict = verdict
        self.figures = figures
    }

    /// The value of the number called `name`.
    public subscript(name: String) -> Double? { numbers.first { $0.name == name }?.value }

    /// Writes `summary.json` and every figure as PNG and SVG into `directory` (created if
    /// needed); returns the paths of the PNGs.
    @discardableResult
    public func write(to directory: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var written: [URL] = []
        for (name, figure) in figures {
            let png = directory.appendingPathComponent(name + ".png")
            try figure.write(to: png)
            try figure.write(to: directory.appendingPathComponent(name + ".svg"))
            written.append(png)
        }
        try Data(summaryJSON.utf8).write(to: directory.appendingPathComponent("summary.json"), options: .atomic)
        return written
    }

    /// `{"experiment": …, "numbers": {…}, "verdict": […], "figures": […]}`, numbers in report
    /// order (JSONSerialization would sort or shuffle them), non-finite values as null.
    public var summaryJSON: String {
        let numberLines = numbers.map { "    \(quoted($0.name)): \($0.value.isFinite ? String(describing: $0.value) : "null")" }
        return """
        {
          "experiment": \(quoted(experiment)),
          "numbers": {
        \(numberLines.joined(separator: ",\n"))
          },
          "verdict": [\(verdict.map(quoted).joined(separator: ", "))],
          "figures": [\(figures.map { quoted($0.name + ".png") }.joined(separator: ", "))]
        }

        """
    }

    private func quoted(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return "\"" + escaped + "\""
    }
}
