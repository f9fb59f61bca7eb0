/// Pooling over each h×w plane of an NCHW tensor. Windows are clipped to the image: padding is
/// never read, it only lets windows hang over the border.
extension Kernels {
    /// The largest value of each window and where it was (its offset in the input plane), which
    /// is where max pooling sends that output's gradient.
    static func maxPool(
        _ input: UnsafePointer<Float>, planes: Int, geometry g: ConvolutionGeometry,
        into output: UnsafeMutablePointer<Float>, positions: UnsafeMutablePointer<Int32>
    ) {
        if g.kernelHeight == 2, g.kernelWidth == 2, g.stride == 2, g.padTop == 0, g.padLeft == 0 {
            return maxPool2x2(input, planes: planes, geometry: g, into: output, positions: positions)
        }
        for p in 0..<planes {
            let source = input + p * g.inputPlane
            let destination = output + p * g.outputPlane, winners = positions + p * g.outputPlane
            for outputRow in 0..<g.outputHeight {
                let rowStart = outputRow * g.stride - g.padTop
                let top = max(rowStart, 0), bottom = min(rowStart + g.kernelHeight, g.height)
                for outputColumn in 0..<g.outputWidth {
                    let columnStart = outputColumn * g.stride - g.padLeft
                    let left = max(columnStart, 0), right = min(columnStart + g.kernelWidth, g.width)
                    var best = -Float.infinity, bestPosition = top * g.width + left
                    for row in top..<bottom {
                        let line = row * g.width
                        for column in left..<right where source[line + column] > best {
                            best = source[line + column]
                            bestPosition = line + column
                        }
                    }
                    destination[outputRow * g.outputWidth + outputColumn] = best
                    winners[outputRow * g.outputWidth + outputColumn] = Int32(bestPosition)
                }
            }
        }
    }

    /// The common 2×2, stride 2 case (LeNet, VGG) without the window loops: the four candidates
    /// of each output are compared pairwise (top pair, bottom pair, then the two winners), strict
    /// comparisons keeping the first maximum in row-major order as the general loop does.
    private static func maxPool2x2(
        _ input: UnsafePointer<Float>, planes: Int, geometry g: ConvolutionGeometry,
        into output: UnsafeMutablePointer<Float>, positions: UnsafeMutablePointer<Int32>
    ) {
        let width = g.width
        parallelSplit(planes, work: planes * g.inputPlane) { range in
            for p in range {
                for outputRow in 0..<g.outputHeight {
                    let rowStart = 2 * outputRow * width
                    let top = input + p * g.inputPlane + rowStart, bottom = top + width
                    let slot = p * g.outputPlane + outputRow * g.outputWidth
                    let destination = output + slot, winners = positions + slot
                    for column in 0..<g.outputWidth {
                        let left = 2 * column
                        let (a, b, c, d) = (top[left], top[left + 1], bottom[left], bottom[left + 1])
                        let upper = b > a ? b : a, upperPosition = b > a ? left + 1 : left
                        let lower = d > c ? d : c, lowerPosition = d > c ? left + width + 1 : left + width
                        destination[column] = lower > upper ? lower : upper
                        winners[column] = Int32(truncatingIfNeeded: rowStart + (lower > upper ? lowerPosition : upperPosition))
                    }
                }
            }
        }
    }

    /// Adds each output gradient onto its window's maximum; `gradient` must be zeroed.
    static func maxPoolBackward(
        _ outputGradient: UnsafePointer<Float>, positions: UnsafePointer<Int32>, planes: Int, geometry g: ConvolutionGeometry,
        into gradient: UnsafeMutablePointer<Float>
    ) {
        for p in 0..<planes {
            let source = outputGradient + p * g.outputPlane, winners = positions + p * g.outputPlane
            let destination = gradient + p * g.inputPlane
            for k in 0..<g.outputPlane { destination[Int(winners[k])] += source[k] }
        }
    }

    /// The mean of each window, always divided by kh·kw (padding counts as zeros, PyTorch's
    /// `count_include_pad`), so every output is the same linear function of its window. When
    /// `transpose` is set it runs backwards: each output gradient, divided by kh·kw, is added to
    /// every pixel of its window (`input` is then the gradient to fill, zeroed by the caller).
    static func averagePool(
        _ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>, planes: Int,
        geometry g: ConvolutionGeometry, transpose: Bool
    ) {
        let scale = 1 / Float(g.kernelHeight * g.kernelWidth)
        for p in 0..<planes {
            let image = input + p * g.inputPlane, pooled = output + p * g.outputPlane
            for outputRow in 0..<g.outputHeight {
                let rowStart = outputRow * g.stride - g.padTop
                let top = max(rowStart, 0), bottom = min(rowStart + g.kernelHeight, g.height)
                for outputColumn in 0..<g.outputWidth {
                    let columnStart = outputColumn * g.stride - g.padLeft
                    let left = max(columnStart, 0), right = min(columnStart + g.kernelWidth, g.width)
                    let slot = outputRow * g.outputWidth + outputColumn
                    if transpose {
                        let share = pooled[slot] * scale
                        for row in top..<bottom {
                            let line = image + row * g.width
                            for column in left..<right { line[column] += share }
                        }
                    } else {
                        var total: Float = 0
                        for row in top..<bottom {
                            let line = image + row * g.width
                            for column in left..<right { total += line[column] }
                        }
                        pooled[slot] = total * scale
                    }
                }
            }
        }
    }
}
