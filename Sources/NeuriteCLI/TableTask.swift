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
    ///
    /// A regression head starts with zero weights, and ``startingBias(for:)`` sets its bias to the
    /// mean target, so that training starts from predicting the mean. For the ReLU head that is
    /// what keeps it alive: with random weights, w·h < 0 for every sample about half the time
    /// (h ≥ 0 after the hidden ReLUs, so the sign barely varies), and a ReLU that outputs 0
    /// everywhere has no gradient to recover with. Measured on y = x² (a 32-unit hidden layer,
    /// Adam 0.01, 60 epochs): 3 of 6 seeds ended at R² ≤ 0 (two predicting 0 everywhere) with
    /// He-initialized weights, 8 of 8 reached R² ≥ 0.99 starting from zero weights and the mean.
    func head(outputs: Int) -> String {
        switch self {
        case .regression: return "dense(\(outputs), zeros)"
        case .nonnegative: return "dense(\(outputs), relu, zeros)"
        case .binary, .multiclass, .multilabel: return "dense(\(outputs))"
        }
    }

    /// The bias the head starts from: the mean of each target column for regression, `nil`
    /// (zeros) for the classification tasks.
    func startingBias(for targets: Tensor) throws -> Tensor? {
        guard self == .regression || self == .nonnegative else { return nil }
        return targets.mean(alongAxis: 0)
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
    /// - Parameter classCount: for a model that exists (evaluation), its number of classes:
    ///   multiclass labels must be below it, whatever the table's largest class.
    /// - Throws: ``CSVError`` naming the line of a value the task cannot take (a label that is
    ///   not 0 or 1, a negative value for nonnegative, a class that is not a whole number).
    func targets(from table: CSVTable, columns: [String], classCount: Int? = nil) throws -> (targets: Tensor, outputs: Int) {
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
            if let classCount {
                try check("one of the model's classes 0…\(classCount - 1)", { Int($0) < classCount })
                return (values.reshaped([table.count]), classCount)
            }
            let classes = Int(scalars.max() ?? 0) + 1
            // Classes are numbered 0…K−1 and the head has K outputs: a largest class beyond the row
            // count means most classes never occur, and would make a head of that many units.
            if classes > table.count, let row = scalars.firstIndex(of: Float(classes - 1)) {
                throw CSVError.invalidValue(table.url, line: table.lineNumbers[row], column: columns[0],
                                            reason: "class \(classes - 1) is more than the \(table.count) rows; number the classes 0, 1, 2, …")
            }
            guard classes >= 2 else {
                throw CSVError.invalidValue(table.url, line: table.lineNumbers[0], column: columns[0], reason: "every row has class 0; multiclass needs two classes or more")
            }
            return (values.reshaped([table.count]), classes)
        }
    }

    /// What the model's outputs `[n, outputs]` mean: probabilities for the classification tasks
    /// (sigmoid of each logit, or softmax over them), the values themselves for regression.
    func probabilities(_ outputs: Tensor) throws -> Tensor {
        switch self {
        case .binary, .multilabel: return sigmoid(outputs)
        case .multiclass: return softmax(outputs)
        case .regression, .nonnegative: return outputs
        }
    }
}
