import Foundation

/// Grouped bars: one group per category (a layer), one bar per series in each group
/// (sigmoid and ReLU, or before and after clipping). With a logarithmic scale, bars spanning
/// many decades (gradient norms from the first to the last layer) stay readable.
public struct BarChart: Sendable {
    /// The title above the figure.
    public var title: String
    /// The label under the x axis.
    public var xLabel: String
    /// The label beside the y axis.
    public var yLabel: String
    /// The label under each group.
    public var categories: [String]
    /// Each series has one value per category.
    public var series: [(name: String, values: [Double])]
    /// Linear, or logarithmic for values spanning decades.
    public var yScale: Scale = .linear

    /// A chart of `series` over `categories`.
    public init(title: String, xLabel: String, yLabel: String, categories: [String], series: [(name: String, values: [Double])]) {
        precondition(series.allSatisfy { $0.values.count == categories.count }, "every series needs one value per category")
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.categories = categories
        self.series = series
    }

    /// The chart drawn as a `width × height` figure.
    public func figure(width: Int = 720, height: Int = 480) -> Figure {
        let values = series.flatMap(\.values)
        // Headroom above the tallest bar for the legend, a third of the range.
        let shown = values.filter { $0.isFinite && (yScale == .linear || $0 > 0) }
        var headroom: [Double] = []
        if let low = shown.min(), let high = shown.max(), series.count > 1 {
            headroom = [yScale == .linear ? high + 0.35 * (high - min(0, low)) : high * pow(high / low, 0.35)]
        }
        let y = Axis(covering: (yScale == .linear ? values + [0] : values) + headroom, scale: yScale)
        let x = Axis(covering: [0, Double(categories.count)], scale: .linear, range: 0...Double(max(1, categories.count)))
        let frame = PlotFrame(width: width, height: height, x: x, y: y)
        var figure = Figure(width: width, height: height)
        figure.marks += frame.gridMarks(vertical: false)
        let groupWidth = frame.area.width / Double(max(1, categories.count))
        let barWidth = groupWidth * 0.8 / Double(max(1, series.count))
        let base = y.scale == .linear ? frame.point(0, 0)!.y : frame.area.maxY
        var occupied: [Point] = []
        for (seriesIndex, entry) in series.enumerated() {
            for (category, value) in entry.values.enumerated() {
                guard let top = frame.point(0, value) else { continue }
                let left = frame.area.x + groupWidth * (Double(category) + 0.1) + barWidth * Double(seriesIndex)
                let clampedTop = max(frame.area.y, min(frame.area.maxY, top.y))
                figure.marks.append(.rectangle(Rect(x: left, y: min(clampedTop, base), width: max(1, barWidth - 1), height: abs(base - clampedTop)), fill: .series(seriesIndex), stroke: nil))
                occupied.append(Point(left + barWidth / 2, clampedTop))
            }
        }
        // Label every group when they fit, else every k-th so labels never overlap.
        let widest = Double(categories.map(\.count).max() ?? 1) * PlotFrame.characterWidth + 8
        let every = max(1, Int((widest / groupWidth).rounded(.up)))
        for (index, category) in categories.enumerated() where index % every == 0 || index == categories.count - 1 && every == 1 {
            figure.marks.append(frame.text(category, Point(frame.area.x + groupWidth * (Double(index) + 0.5), frame.area.maxY + 18), anchor: .middle))
        }
        figure.marks += frame.axisMarks(title: title, xLabel: xLabel, yLabel: yLabel, xTickLabels: false)
        figure.marks += frame.legend(series.count > 1 ? series.enumerated().map { ($0.element.name, Color.series($0.offset), .box) } : [], avoiding: occupied)
        return figure
    }
}
