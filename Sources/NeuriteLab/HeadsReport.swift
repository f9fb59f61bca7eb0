import Foundation
import NeuritePlot

extension HeadsExperiment {
    /// The numbers and three-line verdict of `result`, with its figures when `drawing`.
    public func report(_ result: Result, drawing: Bool) -> LabReport {
        var figures: [(name: String, figure: Figure)] = []
        if drawing {
            var regression = LinePlot(title: "Regression of sin x: the head decides the range", xLabel: "x", yLabel: "y", series: [
                Series("sin x", x: result.grid, y: result.grid.map(sin), style: .dashed, color: .gray),
                Series("linear head", x: result.grid, y: result.linearHead, color: .series(0)),
                Series("ReLU head", x: result.grid, y: result.reluHead, color: .series(3)),
            ])
            regression.yRange = -1.3...1.3
            figures.append(("heads", regression.figure()))
            func panel(_ title: String, _ regions: [Int]) -> Figure {
                var plot = DecisionRegions(title: title, xRange: Self.range, yRange: Self.range, resolution: Self.resolution,
                                           classes: regions, samples: result.samples)
                plot.classNames = ["A", "B", "A and B", "neither"]
                return plot.figure()
            }
            figures.append(("multi-label", Figure.row([
                panel("softmax: one answer", result.softmaxRegions), panel("one sigmoid per label", result.sigmoidRegions),
            ], title: "Label A where x > 0, B where y > 0")))
        }
        return LabReport(
            experiment: "heads",
            numbers: [
                ("signed_regression_rmse_linear_head", result.linearHeadSignedRMSE), ("signed_regression_rmse_relu_head", result.reluHeadSignedRMSE),
                ("non_negative_regression_rmse_relu_head", result.reluHeadNonNegativeRMSE), ("non_negative_relu_head_minimum", result.reluHeadMinimum),
                ("softmax_exact_match_one_label", result.softmaxSingleLabel), ("softmax_exact_match_two_labels", result.softmaxTwoLabels),
                ("sigmoid_exact_match_one_label", result.sigmoidSingleLabel), ("sigmoid_exact_match_two_labels", result.sigmoidTwoLabels),
            ],
            verdict: [
                "Fitting sin x, a linear head reaches RMSE \(Lab.format(result.linearHeadSignedRMSE)) but a ReLU head \(Lab.format(result.reluHeadSignedRMSE)): it cannot go below 0; for x²/9 the ReLU head fits (RMSE \(Lab.format(result.reluHeadNonNegativeRMSE))) and never predicts below \(Lab.format(result.reluHeadMinimum)).",
                "On points carrying label A, B or both, softmax gets \(Lab.percent(result.softmaxTwoLabels)) of the two-label points right and one sigmoid per label \(Lab.percent(result.sigmoidTwoLabels)) (one-label points: \(Lab.percent(result.softmaxSingleLabel)) and \(Lab.percent(result.sigmoidSingleLabel))).",
                "Choose the head by the task: sigmoid for yes/no, linear for signed values, ReLU for non-negative ones, softmax for one class of many, a sigmoid per label when several can hold.",
            ],
            figures: figures)
    }
}
