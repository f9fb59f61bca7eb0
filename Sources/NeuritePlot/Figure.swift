import Foundation

/// A point in figure coordinates: pixels from the top-left corner.
public struct Point: Sendable, Equatable {
    /// Pixels from the left edge.
    public var x: Double
    /// Pixels from the top edge.
    public var y: Double
    /// The point `x` pixels right of and `y` below the top-left corner.
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

/// An axis-aligned rectangle in figure coordinates.
public struct Rect: Sendable, Equatable {
    /// The top-left corner and size, in pixels.
    public var x: Double, y: Double, width: Double, height: Double
    /// The rectangle with top-left corner (`x`, `y`) and the given size.
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
    /// The right edge.
    public var maxX: Double { x + width }
    /// The bottom edge.
    public var maxY: Double { y + height }
}

/// Where a text's anchor point sits horizontally: its start, middle or end.
public enum TextAnchor: Sendable { case start, middle, end }

/// A small bitmap shown scaled into a rectangle (heat maps, weight tiles, decision regions).
public struct PixelImage: Sendable {
    /// The width in pixels.
    public let width: Int
    /// The height in pixels.
    public let height: Int
    /// Row-major, top row first.
    public var pixels: [Color]

    /// An image of `width × height` pixels, `pixels` row-major from the top.
    public init(width: Int, height: Int, pixels: [Color]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height, "pixel count does not match \(width)×\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}

/// One drawing instruction. A figure is a list of marks, so the same figure can be rasterized
/// to PNG or written as SVG, and figures can be placed side by side by shifting their marks.
public enum Mark: Sendable {
    /// Connected line segments; `dash` is the length of dashes and gaps, nil for a solid line.
    case polyline([Point], color: Color, width: Double, dash: Double?)
    case rectangle(Rect, fill: Color?, stroke: Color?)
    case disk(center: Point, radius: Double, fill: Color, stroke: Color?)
    /// Text in the bitmap font at `scale` (pixels per font dot), vertically centred on `at`;
    /// `vertical` turns it 90° counter-clockwise (y-axis labels).
    case text(String, at: Point, scale: Int, color: Color, anchor: TextAnchor, vertical: Bool, bold: Bool)
    /// An image scaled to fill `frame`, each pixel a sharp-edged block.
    case image(PixelImage, frame: Rect)

    func shifted(by offset: Point) -> Mark {
        func move(_ point: Point) -> Point { Point(point.x + offset.x, point.y + offset.y) }
        func move(_ rect: Rect) -> Rect { Rect(x: rect.x + offset.x, y: rect.y + offset.y, width: rect.width, height: rect.height) }
        switch self {
        case let .polyline(points, color, width, dash): return .polyline(points.map(move), color: color, width: width, dash: dash)
        case let .rectangle(rect, fill, stroke): return .rectangle(move(rect), fill: fill, stroke: stroke)
        case let .disk(center, radius, fill, stroke): return .disk(center: move(center), radius: radius, fill: fill, stroke: stroke)
        case let .text(string, at, scale, color, anchor, vertical, bold):
            return .text(string, at: move(at), scale: scale, color: color, anchor: anchor, vertical: vertical, bold: bold)
        case let .image(image, frame): return .image(image, frame: move(frame))
        }
    }
}

/// A finished figure: a size in pixels and what is drawn on it, on a white background.
public struct Figure: Sendable {
    /// The width in pixels.
    public let width: Int
    /// The height in pixels.
    public let height: Int
    /// What is drawn, in order: later marks cover earlier ones.
    public var marks: [Mark]

    /// An empty figure of `width × height` pixels.
    public init(width: Int, height: Int, marks: [Mark] = []) {
        precondition(width > 0 && height > 0, "a figure needs a positive size")
        self.width = width
        self.height = height
        self.marks = marks
    }

    /// Figures placed left to right, tops aligned, under an optional common title.
    public static func row(_ panels: [Figure], title: String? = nil) -> Figure {
        grid([panels], title: title)
    }

    /// Figures placed in rows, each cell as large as the largest panel, under an optional title.
    public static func grid(_ rows: [[Figure]], title: String? = nil) -> Figure {
        let cellWidth = rows.flatMap { $0 }.map(\.width).max() ?? 1
        let cellHeight = rows.flatMap { $0 }.map(\.height).max() ?? 1
        let top = title == nil ? 0 : 40
        var figure = Figure(width: cellWidth * max(1, rows.map(\.count).max() ?? 1), height: top + cellHeight * max(1, rows.count))
        if let title {
            figure.marks.append(.text(title, at: Point(Double(figure.width) / 2, 22), scale: 2, color: .ink, anchor: .middle, vertical: false, bold: true))
        }
        for (rowIndex, row) in rows.enumerated() {
            for (columnIndex, panel) in row.enumerated() {
                let offset = Point(Double(columnIndex * cellWidth), Double(top + rowIndex * cellHeight))
                figure.marks += panel.marks.map { $0.shifted(by: offset) }
            }
        }
        return figure
    }

    /// Writes the figure as PNG or SVG, chosen by the file's extension, atomically.
    /// - Throws: ``PlotError/unsupportedFormat(_:)`` for another extension, or the file system's error.
    public func write(to url: URL) throws {
        let data: Data
        switch url.pathExtension.lowercased() {
        case "png": data = pngData()
        case "svg": data = Data(svg().utf8)
        default: throw PlotError.unsupportedFormat(url.lastPathComponent)
        }
        try data.write(to: url, options: .atomic)
    }

    /// The figure rasterized and encoded as PNG.
    public func pngData() -> Data { PNG.encode(rasterized()) }

    /// The figure drawn into pixels.
    public func rasterized() -> Raster {
        var raster = Raster(width: width, height: height, background: .white)
        for mark in marks { raster.draw(mark) }
        return raster
    }
}

/// Why a figure could not be written.
public enum PlotError: Error, Equatable, CustomStringConvertible {
    case unsupportedFormat(String)

    /// The message shown to the user.
    public var description: String {
        switch self {
        case let .unsupportedFormat(name): return "cannot write \(name): figures are written as .png or .svg"
        }
    }
}
