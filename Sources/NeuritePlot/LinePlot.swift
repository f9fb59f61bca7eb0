/// One named curve or point set of a ``LinePlot``.
public struct Series: Sendable {
    /// How a series is drawn.
    public enum Style: Sendable { case line, dashed, points }

    /// The name shown in the legend; empty for none.
    public var name: String
    /// The x value of each point.
    public var x: [Double]
    /// The y value of each point.
    public var y: [Double]
    /// Line, dashed line or separate points.
    public var style: Style
    /// nil: the next palette colour.
    public var color: Color?

    /// A series of the points (`x[i]`, `y[i]`); non-finite values break the line.
    public init(_ name: String, x: [Double], y: [Double], style: Style = .line, color: Color? = nil) {
        precondition(x.count == y.count, "series \(name): \(x.count) x values for \(y.count) y values")
        self.name = name
        self.x = x
        self.y = y
        self.style = style
        self.color = color
    }

    /// A series over 1, 2, 3, … (steps, epochs, layers).
    public init(_ name: String, y: [Double], style: Style = .line, color: Color? = nil) {
        self.init(name, x: y.indices.map { Double($0 + 1) }, y: y, style: style, color: color)
    }
}

/// Curves on a pair of axes, with ticks, grid, labels and a legend: learning curves, activation
/// statistics per layer, a fitted function against its target.
public struct LinePlot: Sendable {
    /// The title above the figure.
    public var title: String
    /// The label under the x axis.
    public var xLabel: String
    /// The label beside the y axis.
    public var yLabel: String
    /// The curves, drawn in order, each in the next palette colour unless it has its own.
    public var series: [Series]
    /// Linear, or logarithmic for values spanning decades.
    public var xScale: Scale = .linear
    /// Linear, or logarithmic for values spanning decades.
    public var yScale: Scale = .linear
    /// Fixed ranges; nil fits the data, widened to whole ticks.
    public var xRange: ClosedRange<Double>?
    /// A fixed y range; nil fits the data.
    public var yRange: ClosedRange<Double>?
    /// Labelled vertical lines, e.g. where two learning curves cross.
    public var markers: [(x: Double, label: String)] = []
    /// An x interval shaded in light grey, e.g. the range a network was trained on.
    public var shadedRange: (range: ClosedRange<Double>, label: String)?

    /// A plot of `series` with the given title and axis labels.
    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    /// The plot drawn as a `width × height` figure.
    public func figure(width: Int = 720, height: Int = 480) -> Figure {
        let x = Axis(covering: series.flatMap(\.x), scale: xScale, range: xRange)
        let y = Axis(covering: series.flatMap(\.y), scale: yScale, range: yRange)
        let frame = PlotFrame(width: width, height: height, x: x, y: y)
        var figure = Figure(width: width, height: height)
        if let shadedRange, let left = frame.point(shadedRange.range.lowerBound, y.lower), let right = frame.point(shadedRange.range.upperBound, y.lower) {
            let from = max(frame.area.x, left.x), to = min(frame.area.maxX, right.x)
            figure.marks.append(.rectangle(Rect(x: from, y: frame.area.y, width: max(0, to - from), height: frame.area.height), fill: Color(hex: 0xF0F0F0), stroke: nil))
            figure.marks.append(frame.text(shadedRange.label, Point((from + to) / 2, frame.area.maxY - 14), anchor: .middle, color: .gray))
        }
        figure.marks += frame.gridMarks()
        var occupied: [Point] = []
        var legend: [(name: String, color: Color, swatch: LegendSwatch)] = []
        for (index, series) in series.enumerated() {
            let color = series.color ?? .series(index)
            let points = zip(series.x, series.y).map { frame.point($0, $1) }
            occupied += points.compactMap { $0 }
            switch series.style {
            case .points:
                figure.marks += points.compactMap { $0 }.map { .disk(center: $0, radius: 5.5, fill: color, stroke: .white) }
            case .line, .dashed:
                for piece in brokenAtGaps(points) {
                    figure.marks.append(.polyline(piece.map { clamped($0, to: frame.area) }, color: color, width: 2.5, dash: series.style == .dashed ? 8 : nil))
                }
            }
            if !series.name.isEmpty {
                legend.append((series.name, color, series.style == .points ? .dot : series.style == .dashed ? .dashedLine : .line))
            }
        }
        for marker in markers {
            guard let bottom = frame.point(marker.x, y.lower) else { continue }
            figure.marks.append(.polyline([Point(bottom.x, frame.area.y), Point(bottom.x, frame.area.maxY)], color: .ink, width: 1.5, dash: 5))
            // The label goes right of the line, or left of it when it would run off the plot.
            let fitsRight = bottom.x + 12 + Double(marker.label.count) * PlotFrame.characterWidth < frame.area.maxX
            figure.marks.append(frame.text(marker.label, Point(bottom.x + (fitsRight ? 6 : -6), frame.area.y + 14), anchor: fitsRight ? .start : .end))
        }
        figure.marks += frame.axisMarks(title: title, xLabel: xLabel, yLabel: yLabel)
        figure.marks += frame.legend(legend, avoiding: occupied)
        return figure
    }

    /// Runs of consecutive drawable points: a value that cannot be shown breaks the line.
    private func brokenAtGaps(_ points: [Point?]) -> [[Point]] {
        var pieces: [[Point]] = [[]]
        for point in points {
            if let point { pieces[pieces.count - 1].append(point) } else if !pieces[pieces.count - 1].isEmpty { pieces.append([]) }
        }
        return pieces.filter { $0.count >= 2 }
    }

    /// Points beyond a fixed range are drawn at its edge rather than over the labels.
    private func clamped(_ point: Point, to area: Rect) -> Point {
        Point(min(max(point.x, area.x), area.maxX), min(max(point.y, area.y), area.maxY))
    }
}
