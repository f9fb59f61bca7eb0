import ArgumentParser
import Foundation
import Neurite

/// ArgumentParser's own wording of its parse errors, through a type that shadows nothing.
private struct ParserMessages: ParsableArguments {}

extension NeuriteCommand {
    /// The one line printed for `error`: `error: <file or option>: <what was expected>, <what was
    /// found>`. Library errors already start with the file they concern; architecture errors
    /// concern `--model`; tensor errors are headed by the command that stopped (`train mnist`,
    /// `predict`); command-line errors are reworded from ArgumentParser's, with the value given
    /// (looked up in `arguments`) when the check does not say it.
    static func message(for error: any Error, arguments: [String] = []) -> String {
        oneLine(unescapedMessage(for: error, arguments: arguments))
    }

    /// `text` with every control character written as its escape (`\n`, `\u{1B}`): a file name
    /// or value holding a line break split the one error line in two, and one holding an escape
    /// sequence could restyle the terminal.
    static func oneLine(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control { result += scalar.escaped(asASCII: false) } else { result.unicodeScalars.append(scalar) }
        }
        return result
    }

    private static func unescapedMessage(for error: any Error, arguments: [String]) -> String {
        switch error {
        case let error as DataError: return "error: \(error)"
        case let error as SerializationError: return "error: \(error)"
        case let error as ArchitectureError: return "error: --model: " + "\(error)".replacingOccurrences(of: "architecture: ", with: "")
        case let error as TensorError:
            // A shape or value error concerns no one file or option: name the command it stopped.
            let words = arguments.prefix { !$0.hasPrefix("-") }
            let command = words.prefix(words.first == "train" ? 2 : 1).joined(separator: " ")
            return command.isEmpty ? "error: \(error)" : "error: \(command): \(error)"
        case let error as CommandLineError: return "error: \(error.subject): \(error.message)"
        case let error as CocoaError where error.isFileError && (error.filePath ?? error.url?.path) != nil:
            // Foundation's own file errors (a folder that cannot be created, a figure that cannot
            // be written) in the same form, instead of `NSCocoaErrorDomain Code=640`.
            let written = (CocoaError.Code.fileWriteUnknown.rawValue...CocoaError.Code.fileWriteVolumeReadOnly.rawValue).contains(error.code.rawValue)
            return "error: \((error.filePath ?? error.url?.path)!): \(written ? "cannot be written" : "cannot be read"), \(describeFileError(error))"
        case is ExitCode: return ""
        default:
            let text = ParserMessages.message(for: error)
            return text.isEmpty ? "" : "error: " + reworded(text, arguments: arguments)
        }
    }

    /// ArgumentParser's messages in the `<option>: <expected>, <found>` form.
    private static func reworded(_ text: String, arguments: [String]) -> String {
        // A value with a line break in it would end the first line inside the quotes.
        let escaped = arguments.filter { oneLine($0) != $0 }.reduce(text) { $0.replacingOccurrences(of: $1, with: oneLine($1)) }
        let firstLine = escaped.split(separator: "\n").first.map(String.init) ?? escaped
        let patterns: [(String, (String, String) -> String)] = [
            ("^The value '(.*)' is invalid for '(-[^ ']*)[^']*'", { value, option in "\(option): expected a valid value, found '\(value)'" }),
            ("^Missing value for '(-[^ ']*)[^']*'()", { option, _ in "\(option): expected a value, found none" }),
            ("^Unknown option '(-[^ ']*)'()", { option, _ in "\(option): expected a known option (see --help), found this unknown one" }),
        ]
        for (pattern, format) in patterns {
            guard let match = firstLine.range(of: pattern, options: .regularExpression) else { continue }
            let groups = captures(of: pattern, in: String(firstLine[match]))
            return format(groups[0], groups[1])
        }
        // Our own validation messages read "--option must be positive": name the value found.
        if firstLine.hasPrefix("-"), let space = firstLine.firstIndex(of: " ") {
            let option = String(firstLine[..<space]), rest = firstLine[firstLine.index(after: space)...]
            if option.hasSuffix(":") { return firstLine }  // "--option: …" names what it found itself
            let found = value(of: option, in: arguments).map { ", found \($0)" } ?? ""
            return "\(option): \(rest)\(found)"
        }
        return firstLine.prefix(1).lowercased() + firstLine.dropFirst()
    }

    private static func captures(of pattern: String, in text: String) -> [String] {
        guard let expression = try? NSRegularExpression(pattern: pattern),
              let match = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return ["", ""] }
        return (1...2).map { index in Range(match.range(at: index), in: text).map { String(text[$0]) } ?? "" }
    }

    /// The value given to `option` (`--option value` or `--option=value`), if any.
    private static func value(of option: String, in arguments: [String]) -> String? {
        for (index, argument) in arguments.enumerated() {
            if argument.hasPrefix(option + "=") { return String(argument.dropFirst(option.count + 1)) }
            if argument == option, index + 1 < arguments.count { return arguments[index + 1] }
        }
        return nil
    }

    /// `--option -5` as `--option=-5`: ArgumentParser reads a value starting with `-` as an
    /// option, which made `--batch-size -5` say "Missing value" instead of "must be positive".
    static func joiningNegativeNumbers(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument.hasPrefix("--"), !argument.contains("="), index + 1 < arguments.count,
               arguments[index + 1].hasPrefix("-"), Double(arguments[index + 1]) != nil {
                result.append(argument + "=" + arguments[index + 1])
                index += 2
            } else {
                result.append(argument)
                index += 1
            }
        }
        return result
    }
}

/// A command-line value that cannot be used, found after parsing (a missing file, a folder that
/// cannot be written to): `subject` is the option or file, `message` says expected and found.
struct CommandLineError: Error, CustomStringConvertible {
    let subject: String
    let message: String
    var description: String { "\(subject): \(message)" }
}
