import Foundation

extension Figure {
    /// The figure as an SVG document. Text is set in a monospace font of about the bitmap
    /// font's size; images are embedded as PNG, so heat maps stay sharp and small.
    public func svg() -> String {
        var lines = [
            #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(width)" height="\#(height)" viewBox="0 0 \#(width) \#(height)">"#,
            ##"<rect width="100%" height="100%" fill="#ffffff"/>"##,
        ]
        lines += marks.map(svgElement)
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    private func svgElement(_ mark: Mark) -> String {
        switch mark {
        case let .polyline(points, color, width, dash):
            let coordinates = points.map { "\(number($0.x)),\(number($0.y))" }.joined(separator: " ")
            let dashing = dash.map { #" stroke-dasharray="\#(number($0))""# } ?? ""
            return #"<polyline points="\#(coordinates)" fill="none" stroke="\#(color.hexString)"\#(opacity(color, "stroke")) stroke-width="\#(number(width))" stroke-linejoin="round"\#(dashing)/>"#
        case let .rectangle(rect, fill, stroke):
            let filling = fill.map { #"fill="\#($0.hexString)"\#(opacity($0, "fill"))"# } ?? #"fill="none""#
            let stroking = stroke.map { #" stroke="\#($0.hexString)"\#(opacity($0, "stroke"))"# } ?? ""
            return #"<rect x="\#(number(rect.x))" y="\#(number(rect.y))" width="\#(number(rect.width))" height="\#(number(rect.height))" \#(filling)\#(stroking)/>"#
        case let .disk(center, radius, fill, stroke):
            let stroking = stroke.map { #" stroke="\#($0.hexString)""# } ?? ""
            return #"<circle cx="\#(number(center.x))" cy="\#(number(center.y))" r="\#(number(radius))" fill="\#(fill.hexString)"\#(opacity(fill, "fill"))\#(stroking)/>"#
        case let .text(string, at, scale, color, anchor, vertical, bold):
            let anchorName = anchor == .start ? "start" : anchor == .middle ? "middle" : "end"
            let rotation = vertical ? #" transform="rotate(-90 \#(number(at.x)) \#(number(at.y)))""# : ""
            let weight = bold ? #" font-weight="bold""# : ""
            return #"<text x="\#(number(at.x))" y="\#(number(at.y))" font-family="monospace" font-size="\#(10 * scale)" fill="\#(color.hexString)" text-anchor="\#(anchorName)" dominant-baseline="central"\#(weight)\#(rotation)>\#(escaped(string))</text>"#
        case let .image(image, frame):
            var raster = Raster(width: image.width, height: image.height, background: .white)
            for y in 0..<image.height { for x in 0..<image.width { raster.blend(x, y, image.pixels[y * image.width + x]) } }
            let encoded = PNG.encode(raster).base64EncodedString()
            return #"<image x="\#(number(frame.x))" y="\#(number(frame.y))" width="\#(number(frame.width))" height="\#(number(frame.height))" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,\#(encoded)"/>"#
        }
    }

    private func number(_ value: Double) -> String { String(format: "%.2f", value) }

    private func opacity(_ color: Color, _ property: String) -> String {
        color.alpha == 255 ? "" : #" \#(property)-opacity="\#(String(format: "%.3f", Double(color.alpha) / 255))""#
    }

    private func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
