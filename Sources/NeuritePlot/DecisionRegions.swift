/// A classifier's answer over a square of the plane, with the samples on top: each region in a
/// light version of its class's colour, each sample a dot in the full colour.
public struct DecisionRegions: Sendable {
    /// The title above the figure.
    public var title: String
    /// The label under the x axis.
    public var xLabel: String
    /// The label beside the y axis.
    public var yLabel: String
    /// The x values shown, left to right.
    public let xRange: ClosedRange<Double>
    /// The y values shown, bottom to top.
    public let yRange: ClosedRange<Double>
    /// Grid cells per side.
    public let resolution: Int
    /// The class of each grid cell, in the order of ``gridPoints(xRange:yRange:resolution:)``.
    public var classes: [Int]
    /// The samples: position and class.
    public var samples: [(x: Double, y: Double, label: Int)]
    /// Names of the classes for the legend; empty for none.
    public var classNames: [String] = []
    /// How sure the classifier is in each cell, in [0, 1] (e.g. |p₁ − p₀|): regions fade to
    /// white where it hesitates. nil draws every region at full strength.
    public var confidences: [Double]?

    /// Regions from `classes`, one per point of ``gridPoints(xRange:yRange:resolution:)``.
    public init(title: String, xLabel: String = "x1", yLabel: String = "x2", xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
                resolution: Int, classes: [Int], samples: [(x: Double, y: Double, label: Int)]) {
        precondition(resolution > 0 && classes.count == resolution * resolution, "one class per grid cell")
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xRange = xRange
        self.yRange = yRange
        self.resolution = resolution
        self.classes = classes
        self.samples = samples
    }

    /// The centres of the grid cells, row by row from the top (highest y) and left to right:
    /// evaluate the classifier on these, as one batch, to fill ``classes``.
    public static func gridPoints(xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, resolution: Int) -> [(x: Double, y: Double)] {
        let width = xRange.upperBound - xRange.lowerBound, height = yRange.upperBound - yRange.lowerBound
        var points: [(x: Double, y: Double)] = []
        for row in 0..<resolution {
            let y = yRange.upperBound - (Double(row) + 0.5) / Double(resolution) * height
            for column in 0..<resolution {
                points.append((xRange.lowerBound + (Double(column) + 0.5) / Double(resolution) * width, y))
            }
        }
        return points
    }

    /// The regions drawn as a `width × height` figure.
    public func figure(width: Int = 480, height: Int = 480) -> Figure {
        let x = Axis(covering: [], scale: .linear, range: xRange)
        let y = Axis(covering: [], scale: .linear, range: yRange)
        let frame = PlotFrame(width: width, height: height, x: x, y: y)
        var figure = Figure(width: width, height: height)
        let pixels = classes.indices.map { cell in
            Color.white.mixed(with: .series(max(0, classes[cell])), 0.05 + 0.3 * (confidences.map { max(0, min(1, $0[cell])) } ?? 1))
        }
        figure.marks.append(.image(PixelImage(width: resolution, height: resolution, pixels: pixels), frame: frame.area))
        var occupied: [Point] = []
        for sample in samples {
            guard let center = frame.point(sample.x, sample.y) else { continue }
            figure.marks.append(.disk(center: center, radius: 6.5, fill: .series(sample.label), stroke: .white))
            occupied.append(center)
        }
        figure.marks += frame.axisMarks(title: title, xLabel: xLabel, yLabel: yLabel)
        figure.marks += frame.legend(classNames.enumerated().map { ($0.element, Color.series($0.offset), .dot) }, avoiding: occupied)
        return figure
    }
}
