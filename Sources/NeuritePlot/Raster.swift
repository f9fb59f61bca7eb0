/// Pixels in memory, RGBA, row-major from the top: what a ``Figure`` is drawn into before it is
/// encoded as PNG. Shapes are anti-aliased by pixel coverage; text and images are drawn sharp.
public struct Raster: Sendable {
    /// The width in pixels.
    public let width: Int
    /// The height in pixels.
    public let height: Int
    /// `width × height` colours, row-major, top row first.
    public private(set) var pixels: [Color]

    /// A raster filled with `background`.
    public init(width: Int, height: Int, background: Color) {
        self.width = width
        self.height = height
        pixels = Array(repeating: background, count: width * height)
    }

    /// The colour at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> Color { pixels[y * width + x] }

    /// Paints `color` over pixel (x, y) with `coverage` in [0, 1] (source-over blending).
    mutating func blend(_ x: Int, _ y: Int, _ color: Color, coverage: Double = 1) {
        guard x >= 0, y >= 0, x < width, y < height, coverage > 0 else { return }
        let alpha = Double(color.alpha) / 255 * min(1, coverage)
        let index = y * width + x
        let below = pixels[index]
        func mix(_ top: UInt8, _ bottom: UInt8) -> UInt8 { UInt8((Double(top) * alpha + Double(bottom) * (1 - alpha)).rounded()) }
        let outAlpha = alpha + Double(below.alpha) / 255 * (1 - alpha)
        pixels[index] = Color(red: mix(color.red, below.red), green: mix(color.green, below.green), blue: mix(color.blue, below.blue),
                              alpha: UInt8((outAlpha * 255).rounded()))
    }

    mutating func draw(_ mark: Mark) {
        switch mark {
        case let .polyline(points, color, lineWidth, dash):
            for piece in dash.map({ dashed(points, length: $0) }) ?? [points] { stroke(piece, color: color, width: lineWidth) }
        case let .rectangle(rect, fill, stroke):
            let left = Int(rect.x.rounded()), top = Int(rect.y.rounded())
            let right = Int(rect.maxX.rounded()), bottom = Int(rect.maxY.rounded())
            if let fill { for y in top..<max(top, bottom) { for x in left..<max(left, right) { blend(x, y, fill) } } }
            if let stroke, right > left, bottom > top {
                for x in left..<right { blend(x, top, stroke); blend(x, bottom - 1, stroke) }
                for y in (top + 1)..<max(top + 1, bottom - 1) { blend(left, y, stroke); blend(right - 1, y, stroke) }
            }
        case let .disk(center, radius, fill, stroke):
            if let stroke { disk(center, radius: radius, color: stroke) }
            disk(center, radius: stroke == nil ? radius : radius - 1.25, color: fill)
        case let .text(string, at, scale, color, anchor, vertical, bold):
            text(string, at: at, scale: scale, color: color, anchor: anchor, vertical: vertical, bold: bold)
        case let .image(image, frame):
            drawImage(image, frame: frame)
        }
    }

    /// A polyline of `width` pixels. Coverage is the largest over all segments, so joints are not
    /// painted twice (which would darken them where the line is translucent).
    private mutating func stroke(_ points: [Point], color: Color, width lineWidth: Double) {
        guard points.count >= 2 else { return }
        let reach = lineWidth / 2 + 1
        let left = max(0, Int((points.map(\.x).min()! - reach).rounded(.down)))
        let right = min(width - 1, Int((points.map(\.x).max()! + reach).rounded(.up)))
        let top = max(0, Int((points.map(\.y).min()! - reach).rounded(.down)))
        let bottom = min(height - 1, Int((points.map(\.y).max()! + reach).rounded(.up)))
        guard left <= right, top <= bottom else { return }
        let boxWidth = right - left + 1
        var coverage = [Double](repeating: 0, count: boxWidth * (bottom - top + 1))
        for (start, end) in zip(points, points.dropFirst()) {
            let x0 = max(left, Int((min(start.x, end.x) - reach).rounded(.down))), x1 = min(right, Int((max(start.x, end.x) + reach).rounded(.up)))
            let y0 = max(top, Int((min(start.y, end.y) - reach).rounded(.down))), y1 = min(bottom, Int((max(start.y, end.y) + reach).rounded(.up)))
            guard x0 <= x1, y0 <= y1 else { continue }
            for y in y0...y1 {
                for x in x0...x1 {
                    let distance = distanceToSegment(Point(Double(x) + 0.5, Double(y) + 0.5), start, end)
                    let covered = max(0, min(1, lineWidth / 2 + 0.5 - distance))
                    let index = (y - top) * boxWidth + (x - left)
                    coverage[index] = max(coverage[index], covered)
                }
            }
        }
        for (index, covered) in coverage.enumerated() where covered > 0 {
            blend(left + index % boxWidth, top + index / boxWidth, color, coverage: covered)
        }
    }

    private mutating func disk(_ center: Point, radius: Double, color: Color) {
        guard radius > 0 else { return }
        for y in Int((center.y - radius - 1).rounded(.down))...Int((center.y + radius + 1).rounded(.up)) {
            for x in Int((center.x - radius - 1).rounded(.down))...Int((center.x + radius + 1).rounded(.up)) {
                let dx: Double = Double(x) + 0.5 - center.x
                let dy: Double = Double(y) + 0.5 - center.y
                let distance = (dx * dx + dy * dy).squareRoot()
                blend(x, y, color, coverage: radius + 0.5 - distance)
            }
        }
    }

    private mutating func text(_ string: String, at: Point, scale: Int, color: Color, anchor: TextAnchor, vertical: Bool, bold: Bool) {
        let length = Double(BitmapFont.width(of: string) * scale)
        let start: Double = anchor == .start ? 0 : anchor == .middle ? -length / 2 : -length
        let half = 3.5 * Double(scale)  // rows 0…6 hold capitals and digits: centre on them
        let originX = Int((vertical ? at.x - half : at.x + start).rounded())
        let originY = Int((vertical ? at.y - start : at.y - half).rounded())
        for (position, character) in string.enumerated() {
            for (column, bits) in BitmapFont.columns(of: character).enumerated() {
                for row in 0..<BitmapFont.cellHeight where bits >> row & 1 == 1 {
                    let along = (position * BitmapFont.cellWidth + column) * scale, across = row * scale
                    for dx in 0..<(scale + (bold ? 1 : 0)) {
                        for dy in 0..<scale {
                            if vertical {
                                blend(originX + across + dy, originY - along - dx - 1, color)
                            } else {
                                blend(originX + along + dx, originY + across + dy, color)
                            }
                        }
                    }
                }
            }
        }
    }

    private mutating func drawImage(_ image: PixelImage, frame: Rect) {
        let left = Int(frame.x.rounded()), top = Int(frame.y.rounded())
        let right = Int(frame.maxX.rounded()), bottom = Int(frame.maxY.rounded())
        guard right > left, bottom > top else { return }
        for y in top..<bottom {
            let sourceY = min(image.height - 1, (y - top) * image.height / (bottom - top))
            for x in left..<right {
                let sourceX = min(image.width - 1, (x - left) * image.width / (right - left))
                blend(x, y, image.pixels[sourceY * image.width + sourceX])
            }
        }
    }
}

/// The Euclidean distance from `point` to the segment from `start` to `end`.
func distanceToSegment(_ point: Point, _ start: Point, _ end: Point) -> Double {
    let dx = end.x - start.x, dy = end.y - start.y
    let lengthSquared = dx * dx + dy * dy
    let t = lengthSquared == 0 ? 0 : max(0, min(1, ((point.x - start.x) * dx + (point.y - start.y) * dy) / lengthSquared))
    let nearestX = start.x + t * dx - point.x, nearestY = start.y + t * dy - point.y
    return (nearestX * nearestX + nearestY * nearestY).squareRoot()
}

/// The dashes of a polyline: alternating drawn and skipped stretches of `length` pixels.
func dashed(_ points: [Point], length: Double) -> [[Point]] {
    var pieces: [[Point]] = [], current: [Point] = [], drawing = true, left = length
    for (start, end) in zip(points, points.dropFirst()) {
        var from = start
        let dx = end.x - from.x, dy = end.y - from.y
        var remaining = (dx * dx + dy * dy).squareRoot()
        if drawing && current.isEmpty { current = [from] }
        while remaining > left {
            let t = left / remaining
            let cut = Point(from.x + (end.x - from.x) * t, from.y + (end.y - from.y) * t)
            if drawing { pieces.append(current + [cut]); current = [] } else { current = [cut] }
            drawing.toggle()
            remaining -= left
            left = length
            from = cut
        }
        left -= remaining
        if drawing { current.append(end) }
    }
    if drawing && current.count >= 2 { pieces.append(current) }
    return pieces
}
