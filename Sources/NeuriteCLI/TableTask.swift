import ArgumentParser
import Foundation
import Neurite

/// What a model trained on a table predicts. The task decides the output head, the loss and the
/// metrics, the table the notes give:
///
/// | task        | targets                      | head                 | loss                      |
/// | ----------- | ---------------------------- | -------------------- | ------------------------- |
/// | binary      | one column of 0/1            | one logit (sigmoid)  | binary cross-entropy      |
/// | regression  | real-valued columns          | linear               | mean squared error        |
/// | nonnegative | columns of values ≥ 0        | ReLU                 | mean squared error        |
/// | multiclass  | one column of classes 0…K−1  | K logits (softmax)   | softmax cross-entropy     |
/// | multilabel  | one 0/1 column per label     | one logit per label  | binary cross-entropy      |
///
/// The sigmoid and softmax are not layers of the saved model: the losses take the logits (the
/// numerically stable form), and prediction applies them (``probabilities(_:)``).
enum TableTask: String, ExpressibleByArgument, CaseIterable {
    case binary, regression, nonnegative, multiclass, multilabel

    /// The output layer that follows the hidden layers, for `outputs` output units.
    func head(outputs: Int) -> String {
        self == .nonnegative ? "dense(\(outputs), relu)" : "dense(\(outputs))"
    }

    /// Checks the number of target columns the task takes.
    func validate(targetCount: Int) throws {
        switch self {
        case .binary, .multiclass:
            guard targetCount == 1 else { throw ValidationError("--task \(rawValue) takes one --target column, got \(targetCount)") }
        case .regression, .nonnegative, .multilabel:
            guard targetCount >= 1 else { throw ValidationError("--task \(rawValue) needs at least one --target column") }
        }
    }

    /// The targets of `table`'s `columns` as the loss takes them, and the number of outputs the
    /// model needs: `[n, k]` values for regression and the 0/1 tasks, `[n]` class indices with K
    /// = the largest class + 1 for multiclass.
    /// - Throws: ``CSVError`` naming the line of a value the task cannot take (a label that is
    ///   not 0 or 1, a negative value for nonnegative, a class that is not a whole number).
    func targets(from table: CSVTable, columns: [String]) throws -> (targets: Tensor, outputs: Int) {
        let values = try table.numbers(columns: columns)
        let scalars = values.scalars
        func check(_ rule: String, _ accept: (Float) -> Bool) throws {
            if let bad = scalars.firstIndex(where: { !accept($0) }) {
                let column = columns[bad % columns.count]
                throw CSVError.invalidValue(table.url, line: table.lineNumbers[bad / columns.count], column: column,
                                            reason: "\(scalars[bad]) is not \(rule) (--task \(rawValue))")
            }
        }
        switch self {
        case .regression:
            return (values, columns.count)
        case .nonnegative:
            try check("≥ 0", { $0 >= 0 })
            return (values, columns.count)
        case .binary, .multilabel:
            try check("0 or 1", { $0 == 0 || $0 == 1 })
            return (values, columns.count)
        case .multiclass:
            // 2^24: above it not every whole number is a Float, and no table has that many classes.
            try check("a class index 0, 1, 2, … below 2^24", { $0 >= 0 && $0 == $0.rounded() && $0 < 16_777_216 })
            let classes = Int(scalars.max() ?? 0) + 1
            guard classes >= 2 else {
                throw CSVError.invalidValue(table.url, line: table.lineNumbers[0], column: columns[0], reason: "every row has class 0; multiclass needs two classes or more")
            }
            return (try values.reshaped([table.count]), classes)
        }
    }

    /// What the model's outputs `[n, outputs]` mean: probabilities for the classification tasks
    /// (sigmoid of each logit, or softmax over them), the values themselves for regression.
    func probabilities(_ outputs: Tensor) throws -> Tensor {
        switch self {
        case .binary, .multilabel: return sigmoid(outputs)
        case .multiclass: return try softmax(outputs)
        case .regression, .nonnegative: return outputs
        }
    }
}
