/// Small images in a grid: the weights of first-layer units as 28×28 tiles, or input samples.
///
/// With the diverging map each tile is scaled to its own largest |weight|, so every unit's
/// pattern is visible whatever its overall size: green where the unit wants ink, red where ink
/// argues against it.
public struct ImageGrid: Sendable {
    /// The title above the figure.
    public var title: String
    /// The tiles, each `tileWidth × tileHeight` values row-major from the top.
    public var tiles: [[Double]]
    /// The width of each tile, in values.
    public let tileWidth: Int
    /// The height of each tile, in values.
    public let tileHeight: Int
    /// Tiles per row.
    public var columns: Int
    /// How values become colours.
    public var colorMap: ColorMap = .diverging
    /// Screen pixels per tile pixel.
    public var zoom: Int = 3
    /// An optional caption under each tile.
    public var captions: [String]?
    /// A line of explanation under the grid (what the colours mean).
    public var note: String?

    /// A grid of `tiles`, each `tileWidth × tileHeight`, `columns` per row.
    public init(title: String, tiles: [[Double]], tileWidth: Int, tileHeight: Int, columns: Int) {
        precondition(tileWidth > 0 && tileHeight > 0 && columns > 0, "tiles and columns must be positive")
        precondition(tiles.allSatisfy { $0.count == tileWidth * tileHeight }, "every tile needs \(tileWidth)×\(tileHeight) values")
        self.title = title
        self.tiles = tiles
        self.tileWidth = tileWidth
        self.tileHeight = tileHeight
        self.columns = columns
    }

    /// The grid drawn as a figure, as large as the tiles need.
    public func figure() -> Figure {
        let gap = 6, top = 48, captionHeight = captions == nil ? 0 : 20, bottom = note == nil ? 12 : 40
        let cellWidth = tileWidth * zoom + gap, cellHeight = tileHeight * zoom + gap + captionHeight
        let rows = (tiles.count + columns - 1) / columns
        let titleWidth = BitmapFont.width(of: title) * PlotFrame.textScale + 24
        let noteWidth = BitmapFont.width(of: note ?? "") * PlotFrame.textScale + 24
        let gridWidth = columns * cellWidth + gap
        let width = max(gridWidth, titleWidth, noteWidth)
        let left = (width - gridWidth) / 2 + gap
        var figure = Figure(width: width, height: top + rows * cellHeight + bottom)
        figure.marks.append(.text(title, at: Point(Double(width) / 2, 22), scale: PlotFrame.textScale, color: .ink, anchor: .middle, vertical: false, bold: true))
        for (index, tile) in tiles.enumerated() {
            let limit = max(1e-12, tile.filter(\.isFinite).map(abs).max() ?? 1)
            let frame = Rect(x: Double(left + index % columns * cellWidth), y: Double(top + index / columns * cellHeight),
                             width: Double(tileWidth * zoom), height: Double(tileHeight * zoom))
            let pixels = tile.map { colorMap.color($0, limit: limit) }
            figure.marks.append(.image(PixelImage(width: tileWidth, height: tileHeight, pixels: pixels), frame: frame))
            figure.marks.append(.rectangle(Rect(x: frame.x - 1, y: frame.y - 1, width: frame.width + 2, height: frame.height + 2), fill: nil, stroke: Color(hex: 0xBBBBBB)))
            if let captions, index < captions.count {
                figure.marks.append(.text(captions[index], at: Point(frame.x + frame.width / 2, frame.maxY + 11), scale: 1, color: .ink, anchor: .middle, vertical: false, bold: false))
            }
        }
        if let note {
            figure.marks.append(.text(note, at: Point(Double(width) / 2, Double(figure.height - 20)), scale: PlotFrame.textScale, color: .gray, anchor: .middle, vertical: false, bold: false))
        }
        return figure
    }
}
