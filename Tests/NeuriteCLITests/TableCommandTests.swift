import Foundation
import Neurite
import Testing
@testable import NeuriteCLI

/// `neurite train csv` and `neurite predict` end to end: each task's head learns a small synthetic
/// table, and is then measured on fresh rows through `predict`, with the metric computed here.
@Suite("neurite train csv and predict")
struct TableCommandTests {
    @Test func binaryHeadLearnsASide() throws {
        let (model, test) = try train(.binary, targets: ["y"], epochs: 30) { x in [x[0] + 0.5 * x[1] > 0.2 ? 1 : 0] }
        let rows = try predict(model, test.url)
        #expect(rows.columns == ["probability", "label"])
        let correct = zip(rows.rows, test.targets).filter { row, target in integer(row[1]) == Int(target[0]) }.count
        #expect(Double(correct) / Double(test.targets.count) >= 0.95)

        // The file describes itself: task, names, and the training rows' standardization
        // (features uniform on [-1, 1]: mean near 0, standard deviation near 1/√3).
        let saved = try SavedModel(path: model.path)
        #expect(try saved.task() == .binary)
        #expect(try saved.names(SavedModel.Key.features) == ["x1", "x2"])
        #expect(try saved.names(SavedModel.Key.targets) == ["y"])
        let standardization = try #require(try saved.standardization())
        #expect(standardization.mean.scalars.allSatisfy { abs($0) < 0.1 })
        #expect(standardization.standardDeviation.scalars.allSatisfy { abs($0 - 1 / Float(3).squareRoot()) < 0.05 })
    }

    @Test func regressionHeadFitsACurve() throws {
        let (model, test) = try train(.regression, targets: ["y"], epochs: 60) { x in [sin(2 * x[0]) + x[1]] }
        let predicted = try predict(model, test.url).rows.map { number($0[0]) }
        let actual = test.targets.map { $0[0] }
        #expect(rSquared(predicted, actual) >= 0.95)
        // `evaluate MODEL TABLE` measures what `predict` predicts, in the table's units.
        let evaluate = try #require(try NeuriteCommand.parseAsRoot(["evaluate", model.path, test.url.path]) as? Evaluate)
        let measured = try evaluate.tableMeasurements(SavedModel(path: model.path), task: .regression, on: test.url.path)
        let squaredError = zip(predicted, actual).reduce(0) { $0 + pow(Double($1.0) - Double($1.1), 2) } / Double(actual.count)
        #expect(measured.rows == 200 && measured.parameters == 129)
        #expect(abs(measured.metrics["MSE"]! - squaredError) <= 1e-4 * squaredError)
        #expect(abs(measured.metrics["R²"]! - rSquared(predicted, actual)) <= 1e-4)
        try evaluate.run()

        // The same table through a pipe on standard input (`-`) predicts the same values.
        let executable = try #require(CommandFailureTests.neuriteExecutable(), "the neurite executable was not built next to the tests")
        let process = Process(), input = Pipe(), output = Pipe()
        process.executableURL = executable
        process.arguments = ["predict", model.path, "-", "--format", "csv"]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        try input.fileHandleForWriting.write(contentsOf: Data(contentsOf: test.url))
        try input.fileHandleForWriting.close()
        let lines = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(lines.dropFirst().compactMap { Float($0) } == predicted)
    }

    @Test func nonNegativeHeadNeverPredictsBelowZero() throws {
        let (model, test) = try train(.nonnegative, targets: ["y"], epochs: 60) { x in [x[0] * x[0] + abs(x[1])] }
        let predicted = try predict(model, test.url).rows.map { number($0[0]) }
        #expect(predicted.allSatisfy { $0 >= 0 })
        #expect(rSquared(predicted, test.targets.map { $0[0] }) >= 0.9)
    }

    /// Targets of house-price scale (mean 4·10⁵, spread 10⁵): with the defaults, SGD's loss became
    /// inf in the first epoch until the targets were trained at unit scale; the saved head
    /// predicts in the table's units (R² is computed against them).
    @Test func targetsOfAnyScaleTrainWithTheDefaults() throws {
        let (model, test) = try train(.regression, targets: ["price"], epochs: 20) { x in [4e5 + 1.4e5 * (x[0] + 0.5 * x[1])] }
        let predicted = try predict(model, test.url).rows.map { number($0[0]) }
        #expect(rSquared(predicted, test.targets.map { $0[0] }) >= 0.95)
        let (positive, positiveTest) = try train(.nonnegative, targets: ["area"], epochs: 30) { x in [1e5 * (x[0] * x[0] + abs(x[1]))] }
        let areas = try predict(positive, positiveTest.url).rows.map { number($0[0]) }
        #expect(areas.allSatisfy { $0 >= 0 })
        #expect(rSquared(areas, positiveTest.targets.map { $0[0] }) >= 0.9)
    }

    /// Folding the targets' scale into the head: y = σ z + μ for any input, exactly up to rounding.
    @Test func foldingTheTargetScaleIntoTheHeadIsExact() throws {
        let head = Dense(4, 2, seed: 1)
        head.bias?.value = Tensor([0.3, -0.7])
        let inputs = Tensor.randomNormal([5, 4], seed: 2)
        let before = try head(inputs)
        let scaling = try Standardization(mean: Tensor([400_000, -2]), standardDeviation: Tensor([140_000, 0.5]))
        scaling.fold(into: head)
        let after = try head(inputs)
        for row in 0..<5 {
            for column in 0..<2 {
                let expected = before[row, column] * scaling.standardDeviation[column] + scaling.mean[column]
                #expect(abs(after[row, column] - expected) <= 1e-6 * max(1, abs(expected)))
            }
        }
    }

    @Test func multiclassHeadSeparatesThreeClasses() throws {
        let (model, test) = try train(.multiclass, targets: ["class"], epochs: 30) { x in
            [x[0] > 0.3 ? 2 : (x[1] > 0 ? 1 : 0)]
        }
        let rows = try predict(model, test.url)
        #expect(rows.columns == ["p(0)", "p(1)", "p(2)", "label"])
        let correct = zip(rows.rows, test.targets).filter { row, target in integer(row[3]) == Int(target[0]) }.count
        #expect(Double(correct) / Double(test.targets.count) >= 0.9)

        // `evaluate` counts the same; a table without class 2 is measured against the model's
        // three classes, and a class the model does not have is refused on its line.
        let evaluate = try #require(try NeuriteCommand.parseAsRoot(["evaluate", model.path, test.url.path]) as? Evaluate)
        let saved = try SavedModel(path: model.path)
        #expect(try evaluate.tableMeasurements(saved, task: .multiclass, on: test.url.path).metrics["accuracy"] == Double(correct) / 200)
        let folder = test.url.deletingLastPathComponent()
        let lowClasses = folder.appendingPathComponent("low.csv"), unknownClass = folder.appendingPathComponent("unknown.csv")
        try "x1,x2,class\n-0.5,-0.5,0\n".write(to: lowClasses, atomically: true, encoding: .utf8)
        try "x1,x2,class\n-0.5,-0.5,0\n0.5,0.5,3\n".write(to: unknownClass, atomically: true, encoding: .utf8)
        #expect(try evaluate.tableMeasurements(saved, task: .multiclass, on: lowClasses.path).rows == 1)
        #expect(throws: CSVError.invalidValue(unknownClass, line: 3, column: "class", reason: "3.0 is not one of the model's classes 0…2 (--task multiclass)")) {
            try evaluate.tableMeasurements(saved, task: .multiclass, on: unknownClass.path)
        }
    }

    @Test func multiLabelHeadTagsEachLabel() throws {
        let (model, test) = try train(.multilabel, targets: ["a", "b", "c"], epochs: 40) { x in
            [x[0] > 0 ? 1 : 0, x[1] > 0 ? 1 : 0, x[0] + x[1] > 0.5 ? 1 : 0]
        }
        let rows = try predict(model, test.url)
        #expect(rows.columns == ["p(a)", "p(b)", "p(c)", "labels"])
        var truePositives = 0, falsePositives = 0, falseNegatives = 0
        for (row, target) in zip(rows.rows, test.targets) {
            guard case let .names(predicted) = row[3] else { Issue.record("no labels cell"); return }
            for (label, truth) in zip(["a", "b", "c"], target) {
                switch (predicted.contains(label), truth == 1) {
                case (true, true): truePositives += 1
                case (true, false): falsePositives += 1
                case (false, true): falseNegatives += 1
                case (false, false): break
                }
            }
        }
        let microF1 = 2 * Double(truePositives) / Double(2 * truePositives + falsePositives + falseNegatives)
        #expect(microF1 >= 0.9)
    }

    @Test func predictsDigitsFromAnIDXFile() throws {
        let directory = try SyntheticDigits.write(trainCount: 500, testCount: 100)
        let model = directory.appendingPathComponent("digits.safetensors")
        var train = try NeuriteCommand.parseAsRoot([
            "train", "mnist", "--data-dir", directory.path, "--epochs", "2", "--hidden", "32", "--output", model.path,
        ])
        try train.run()
        let images = directory.appendingPathComponent("t10k-images-idx3-ubyte")
        let rows = try predict(model, images)
        #expect(rows.columns == (0..<10).map { "p(\($0))" } + ["label"])
        let labels = try IDXFile(contentsOf: directory.appendingPathComponent("t10k-labels-idx1-ubyte")).bytes
        let correct = zip(rows.rows, labels).filter { row, label in integer(row[10]) == Int(label) }.count
        #expect(Double(correct) / Double(labels.count) >= 0.9)
        let sums = rows.rows.map { $0.prefix(10).reduce(0) { $0 + number($1) } }
        #expect(sums.allSatisfy { abs($0 - 1) < 1e-4 })
    }

    @Test func summaryOfASavedModelAndOfAnArchitecture() throws {
        let (model, _) = try train(.binary, targets: ["y"], epochs: 1) { x in [x[0] > 0 ? 1 : 0] }
        var summary = try NeuriteCommand.parseAsRoot(["summary", model.path])
        try summary.run()
        summary = try NeuriteCommand.parseAsRoot(["summary", "lenet", "--input-shape", "1,28,28"])
        try summary.run()
        #expect(throws: (any Error).self) { try NeuriteCommand.parseAsRoot(["summary", "lenet", "--input-shape", "28x28"]) }
    }

    @Test func badTablesGiveErrorsNamingFileAndLine() throws {
        let directory = try temporaryDirectory()
        let cases: [(String, [String], String)] = [
            ("", ["--task", "binary", "--target", "y"], "empty"),
            ("x,y\n1,0\n2\n", ["--task", "binary", "--target", "y"], ":3: the row has 1 cells"),
            ("x,y\n1,0\nabc,1\n", ["--task", "binary", "--target", "y"], ":3: column 'x': 'abc' is not a number"),
            ("x,y\n1,0\nNaN,1\n", ["--task", "binary", "--target", "y"], ":3: column 'x'"),
            ("x,y\n1,0\n2,1\n", ["--task", "binary", "--target", "z"], "no column named 'z'"),
            ("x,y\n1,0\n2,2\n", ["--task", "binary", "--target", "y"], ":3: column 'y': 2.0 is not 0 or 1"),
            ("x,y\n1,0\n2,-1\n", ["--task", "nonnegative", "--target", "y"], ":3: column 'y'"),
            ("x,y\n1,0\n2,1.5\n", ["--task", "multiclass", "--target", "y"], "class index"),
            ("x,y\n1,0\n2,9000000\n", ["--task", "multiclass", "--target", "y"], ":3: column 'y': class 9000000 is more than the 2 rows"),
            ("x,y\n1,0\n2,\"1\n", ["--task", "binary", "--target", "y"], ":3: the quoted field"),
        ]
        for (index, (text, options, expected)) in cases.enumerated() {
            let file = directory.appendingPathComponent("bad\(index).csv")
            try text.write(to: file, atomically: true, encoding: .utf8)
            do {
                var command = try NeuriteCommand.parseAsRoot(["train", "csv", file.path, "--epochs", "1"] + options)
                try command.run()
                Issue.record("\(text.debugDescription) was accepted")
            } catch {
                let message = NeuriteCommand.message(for: error)
                #expect(message.contains(expected), "\(text.debugDescription): \(message)")
                #expect(message.contains("bad\(index).csv"), "\(message) does not name the file")
            }
        }
        #expect(throws: (any Error).self) { try NeuriteCommand.parseAsRoot(["train", "csv", "x.csv", "--task", "binary", "--target", "a", "b"]) }
    }

    // MARK: - Helpers

    /// A table of two features in [-1, 1] (and a text id column that training must not need) with
    /// targets from `rule`.
    struct Table {
        let url: URL
        let targets: [[Float]]
    }

    private func write(_ count: Int, seed: UInt64, targets names: [String], to url: URL, withIdentifiers: Bool, rule: ([Float]) -> [Float]) throws -> Table {
        var generator = RandomGenerator(seed: seed)
        // With identifiers: a text column first and the features in another order, as a user's
        // file for prediction may have them; predict finds the features by name.
        var lines = [((withIdentifiers ? ["id", "x2", "x1"] : ["x1", "x2"]) + names).joined(separator: ",")]
        var targets: [[Float]] = []
        for row in 0..<count {
            let x = [2 * generator.nextUnitFloat() - 1, 2 * generator.nextUnitFloat() - 1]
            let y = rule(x)
            targets.append(y)
            let features = withIdentifiers ? ["\"row \(row)\"", "\(x[1])", "\(x[0])"] : ["\(x[0])", "\(x[1])"]
            lines.append((features + y.map { "\($0)" }).joined(separator: ","))
        }
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return Table(url: url, targets: targets)
    }

    private func train(_ task: TableTask, targets: [String], epochs: Int, rule: ([Float]) -> [Float]) throws -> (model: URL, test: Table) {
        let directory = try temporaryDirectory()
        let training = try write(400, seed: 1, targets: targets, to: directory.appendingPathComponent("train.csv"), withIdentifiers: false, rule: rule)
        let test = try write(200, seed: 2, targets: targets, to: directory.appendingPathComponent("test.csv"), withIdentifiers: true, rule: rule)
        let model = directory.appendingPathComponent("model.safetensors")
        var command = try NeuriteCommand.parseAsRoot(
            ["train", "csv", training.url.path, "--task", task.rawValue, "--target"] + targets
                + ["--epochs", "\(epochs)", "--output", model.path])
        try command.run()
        return (model, test)
    }

    private func predict(_ model: URL, _ input: URL) throws -> PredictionRows {
        for format in ["table", "csv", "json"] {
            var command = try NeuriteCommand.parseAsRoot(["predict", model.path, input.path, "--format", format])
            try command.run()
        }
        let command = try #require(try NeuriteCommand.parseAsRoot(["predict", model.path, input.path]) as? Predict)
        return try command.predictions()
    }

    private func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neurite-tables-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}

private func number(_ cell: PredictionRows.Cell) -> Float {
    if case let .number(value) = cell { return value }
    return .nan
}

private func integer(_ cell: PredictionRows.Cell) -> Int {
    if case let .integer(value) = cell { return value }
    return -1
}

/// R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)².
private func rSquared(_ predicted: [Float], _ actual: [Float]) -> Double {
    let mean = actual.reduce(0) { $0 + Double($1) } / Double(actual.count)
    let residual = zip(predicted, actual).reduce(0) { $0 + pow(Double($1.0) - Double($1.1), 2) }
    let total = actual.reduce(0) { $0 + pow(Double($1) - mean, 2) }
    return 1 - residual / total
}
