/// The axes box of a plot: maps data to pixels and draws the frame, grid, ticks and labels.
struct PlotFrame {
    /// The plot area in figure pixels.
    let area: Rect
    let x: Axis
    let y: Axis

    /// Text sizes: scale 2 dots per font pixel for everything, so labels read at 100%.
    static let textScale = 2
    static let characterWidth = Double(BitmapFont.cellWidth * textScale)

    /// A frame inside a `width × height` figure, with room for the title, tick labels and
    /// axis labels around it.
    init(width: Int, height: Int, x: Axis, y: Axis, rightMargin: Double = 24) {
        let widestTick = y.ticks.map { y.label($0).count }.max() ?? 1
        let left = 40 + Double(widestTick) * PlotFrame.characterWidth
        area = Rect(x: left, y: 48, width: Double(width) - left - rightMargin, height: Double(height) - 48 - 70)
        self.x = x
        self.y = y
    }

    /// The pixel of data point (`x`, `y`); nil when it cannot be shown (log of a non-positive).
    func point(_ xValue: Double, _ yValue: Double) -> Point? {
        guard let fx = x.fraction(xValue), let fy = y.fraction(yValue) else { return nil }
        return Point(area.x + fx * area.width, area.maxY - fy * area.height)
    }

    /// Grid lines, behind the data.
    func gridMarks(vertical: Bool = true) -> [Mark] {
        var marks: [Mark] = y.ticks.compactMap { tick in
            point(x.lower, tick).map { .polyline([Point(area.x, $0.y), Point(area.maxX, $0.y)], color: .grid, width: 1, dash: nil) }
        }
        if vertical {
            marks += x.ticks.compactMap { tick in
                point(tick, y.lower).map { .polyline([Point($0.x, area.y), Point($0.x, area.maxY)], color: .grid, width: 1, dash: nil) }
            }
        }
        return marks
    }

    /// The frame, ticks, tick labels, axis labels and title, drawn over the data; without
    /// `xTickLabels` the x axis has no numeric ticks (bar charts label their groups instead).
    func axisMarks(title: String, xLabel: String, yLabel: String, xTickLabels: Bool = true) -> [Mark] {
        var marks: [Mark] = [.rectangle(area, fill: nil, stroke: .ink)]
        for tick in y.ticks {
            guard let position = point(x.lower, tick) else { continue }
            marks.append(.polyline([Point(area.x - 5, position.y), Point(area.x, position.y)], color: .ink, width: 1, dash: nil))
            marks.append(text(y.label(tick), Point(area.x - 9, position.y), anchor: .end))
        }
        if xTickLabels {
            // Label every k-th tick when the labels would otherwise touch.
            let widest = Double(x.ticks.map { x.label($0).count }.max() ?? 1) * PlotFrame.characterWidth + 14
            let spacing = area.width / Double(max(1, x.ticks.count - 1))
            let every = max(1, Int((widest / spacing).rounded(.up)))
            for (index, tick) in x.ticks.enumerated() where index % every == 0 {
                guard let position = point(tick, y.lower) else { continue }
                marks.append(.polyline([Point(position.x, area.maxY), Point(position.x, area.maxY + 5)], color: .ink, width: 1, dash: nil))
                marks.append(text(x.label(tick), Point(position.x, area.maxY + 18), anchor: .middle))
            }
        }
        marks.append(text(xLabel, Point(area.x + area.width / 2, area.maxY + 48), anchor: .middle))
        marks.append(.text(yLabel, at: Point(16, area.y + area.height / 2), scale: PlotFrame.textScale, color: .ink, anchor: .middle, vertical: true, bold: false))
        marks.append(.text(title, at: Point(area.x + area.width / 2, 22), scale: PlotFrame.textScale, color: .ink, anchor: .middle, vertical: false, bold: true))
        return marks
    }

    func text(_ string: String, _ at: Point, anchor: TextAnchor, color: Color = .ink) -> Mark {
        .text(string, at: at, scale: PlotFrame.textScale, color: color, anchor: anchor, vertical: false, bold: false)
    }

    /// A legend box with one row per entry, placed in the corner of the plot area where the
    /// fewest of `occupied` points lie, so that it hides as little data as possible.
    func legend(_ entries: [(name: String, color: Color, swatch: LegendSwatch)], avoiding occupied: [Point]) -> [Mark] {
        guard !entries.isEmpty else { return [] }
        let rowHeight = 22.0
        let boxWidth = 48 + Double(entries.map(\.name.count).max()!) * PlotFrame.characterWidth
        let boxHeight = 10 + rowHeight * Double(entries.count)
        let corners = [
            Point(area.maxX - boxWidth - 10, area.y + 10), Point(area.x + 10, area.y + 10),
            Point(area.maxX - boxWidth - 10, area.maxY - boxHeight - 10), Point(area.x + 10, area.maxY - boxHeight - 10),
        ]
        let corner = corners.min { first, second in
            func covered(_ origin: Point) -> Int {
                occupied.filter { $0.x >= origin.x - 6 && $0.x <= origin.x + boxWidth + 6 && $0.y >= origin.y - 6 && $0.y <= origin.y + boxHeight + 6 }.count
            }
            return covered(first) < covered(second)
        }!
        var marks: [Mark] = [.rectangle(Rect(x: corner.x, y: corner.y, width: boxWidth, height: boxHeight), fill: Color.white.withOpacity(0.92), stroke: .gray)]
        for (index, entry) in entries.enumerated() {
            let rowY = corner.y + 5 + rowHeight * (Double(index) + 0.5)
            switch entry.swatch {
            case .line: marks.append(.polyline([Point(corner.x + 8, rowY), Point(corner.x + 34, rowY)], color: entry.color, width: 2.5, dash: nil))
            case .dashedLine: marks.append(.polyline([Point(corner.x + 8, rowY), Point(corner.x + 34, rowY)], color: entry.color, width: 2.5, dash: 6))
            case .dot: marks.append(.disk(center: Point(corner.x + 21, rowY), radius: 4.5, fill: entry.color, stroke: nil))
            case .box: marks.append(.rectangle(Rect(x: corner.x + 12, y: rowY - 7, width: 18, height: 14), fill: entry.color, stroke: nil))
            }
            marks.append(text(entry.name, Point(corner.x + 40, rowY), anchor: .start))
        }
        return marks
    }
}

/// What a legend row shows next to its name.
enum LegendSwatch { case line, dashedLine, dot, box }
