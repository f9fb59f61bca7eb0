/// A matrix drawn as coloured cells, with a colour bar: weights (green positive, red negative),
/// or any grid of numbers. Row 0 is drawn at the bottom, like a plot's y axis.
public struct HeatMap: Sendable {
    /// The title above the figure.
    public var title: String
    /// The label under the x axis.
    public var xLabel: String
    /// The label beside the y axis.
    public var yLabel: String
    /// The cells, `values[row][column]`.
    public var values: [[Double]]
    /// How values become colours.
    public var colorMap: ColorMap = .diverging
    /// The value of the most intense colour; nil takes the largest magnitude.
    public var limit: Double?

    /// A heat map of `values`, rows of equal length.
    public init(title: String, xLabel: String, yLabel: String, values: [[Double]]) {
        precondition(!values.isEmpty && !values[0].isEmpty && values.allSatisfy { $0.count == values[0].count }, "a heat map needs equal, non-empty rows")
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.values = values
    }

    /// The heat map drawn as a `width × height` figure.
    public func figure(width: Int = 720, height: Int = 480) -> Figure {
        let rows = values.count, columns = values[0].count
        let limit = self.limit ?? max(1e-12, values.flatMap { $0 }.filter(\.isFinite).map(abs).max() ?? 1)
        let x = Axis(covering: [], scale: .linear, range: 0...Double(columns))
        let y = Axis(covering: [], scale: .linear, range: 0...Double(rows))
        let frame = PlotFrame(width: width, height: height, x: x, y: y, rightMargin: 110)
        let pixels = (0..<rows).reversed().flatMap { row in values[row].map { colorMap.color($0, limit: limit) } }
        var figure = Figure(width: width, height: height)
        figure.marks.append(.image(PixelImage(width: columns, height: rows, pixels: pixels), frame: frame.area))
        figure.marks += frame.axisMarks(title: title, xLabel: xLabel, yLabel: yLabel)
        figure.marks += ColorBar(map: colorMap, limit: limit).marks(beside: frame)
        return figure
    }
}

/// The key of a colour map: a vertical gradient with its extreme (and zero) values.
struct ColorBar {
    let map: ColorMap
    let limit: Double

    func marks(beside frame: PlotFrame) -> [Mark] {
        let lowest = map == .diverging ? -limit : 0
        let steps = 64
        let pixels = (0..<steps).map { step in map.color(limit - (limit - lowest) * Double(step) / Double(steps - 1), limit: limit) }
        let bar = Rect(x: frame.area.maxX + 14, y: frame.area.y, width: 16, height: frame.area.height)
        var marks: [Mark] = [.image(PixelImage(width: 1, height: steps, pixels: pixels), frame: bar), .rectangle(bar, fill: nil, stroke: .ink)]
        let labelled: [(Double, Double)] = map == .diverging ? [(limit, bar.y), (0, bar.y + bar.height / 2), (-limit, bar.maxY)] : [(limit, bar.y), (0, bar.maxY)]
        for (value, position) in labelled {
            marks.append(frame.text(value == 0 ? "0" : Axis.scientificIfNeeded(value), Point(bar.maxX + 6, position), anchor: .start))
        }
        return marks
    }
}

extension ColorMap: Equatable {}

extension Axis {
    /// A short label: two significant digits, scientific beyond [0.01, 1000).
    static func scientificIfNeeded(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 0.01 && magnitude < 1000 { return String(format: magnitude < 1 ? "%.2f" : magnitude < 10 ? "%.1f" : "%.0f", value) }
        return String(format: "%.1e", value).replacingOccurrences(of: "e-0", with: "e-").replacingOccurrences(of: "e+0", with: "e").replacingOccurrences(of: "e+", with: "e")
    }
}
