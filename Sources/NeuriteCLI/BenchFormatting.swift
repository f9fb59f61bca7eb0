import Foundation
import Neurite

/// A figure for a table cell: `decimals` places, or with thousands separators for whole numbers.
func format(_ value: Double, decimals: Int) -> String {
    guard decimals == 0 else { return String(format: "%.\(decimals)f", value) }
    // Thousands separators: samples/s run to six digits.
    let digits = String(Int(value.rounded()))
    return digits.reversed().enumerated()
        .map { index, digit in index > 0 && index % 3 == 0 ? "\(digit)," : "\(digit)" }
        .reversed().joined()
}

/// Why a workload could not run, short enough for a table cell: the list of known layers that
/// `ArchitectureError` carries is for users writing architectures, not for this table.
func shortReason(_ error: any Error) -> String {
    if case let .unknownLayer(name, _)? = error as? ArchitectureError { return "no '\(name)' layer in this build" }
    return "\(error)"
}

/// A footnote broken into lines of at most `width` characters, continuation lines indented.
func wrapped(_ text: String, width: Int = 110) -> String {
    var lines: [String] = [], line = ""
    for word in text.split(separator: " ") {
        if !line.isEmpty && line.count + 1 + word.count > width {
            lines.append(line)
            line = "   "
        }
        line += (line.isEmpty || line == "   " ? "" : " ") + word
    }
    return (lines + [line]).joined(separator: "\n")
}

/// A speed ratio, e.g. "1.38×".
func ratio(_ value: Double) -> String { String(format: "%.2f×", value) }
