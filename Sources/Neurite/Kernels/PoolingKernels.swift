import CNeuriteKernels

/// Pooling over each h×w plane of an NCHW tensor. Windows are clipped to the image: padding is
/// never read, it only lets windows hang over the border.
extension Kernels {
    /// The largest value of each window and where it was (its offset in the input plane), which
    /// is where max pooling sends that output's gradient.
    static func maxPool(
        _ input: UnsafePointer<Float>, planes: Int, geometry g: ConvolutionGeometry,
        into output: UnsafeMutablePointer<Float>, positions: UnsafeMutablePointer<Int32>
    ) {
        if g.isPlainTwoByTwo {
            return parallelSplit(planes, work: planes * g.inputPlane) { range in
                nk_max_pool_2x2(
                    input, g.height, g.width, g.outputHeight, g.outputWidth, range.lowerBound, range.upperBound,
                    output, positions)
            }
        }
        for p in 0..<planes {
            let source = input + p * g.inputPlane
            let destination = output + p * g.outputPlane, winners = positions + p * g.outputPlane
            for outputRow in 0..<g.outputHeight {
                for outputColumn in 0..<g.outputWidth {
                    let (rows, columns) = g.window(row: outputRow, column: outputColumn)
                    var best = -Float.infinity, bestPosition = rows.lowerBound * g.width + columns.lowerBound
                    for row in rows {
                        let line = row * g.width
                        for column in columns where source[line + column] > best {
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

    /// Adds each output gradient onto its window's maximum; `gradient` must be zeroed, except for
    /// ``ConvolutionGeometry/isPlainTwoByTwo`` geometries, whose kernel writes every pixel.
    static func maxPoolBackward(
        _ outputGradient: UnsafePointer<Float>, positions: UnsafePointer<Int32>, planes: Int, geometry g: ConvolutionGeometry,
        into gradient: UnsafeMutablePointer<Float>
    ) {
        if g.isPlainTwoByTwo {
            return parallelSplit(planes, work: planes * g.inputPlane) { range in
                nk_max_pool_2x2_backward(
                    outputGradient, positions, g.height, g.width, g.outputHeight, g.outputWidth,
                    range.lowerBound, range.upperBound, gradient)
            }
        }
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
                for outputColumn in 0..<g.outputWidth {
                    let (rows, columns) = g.window(row: outputRow, column: outputColumn)
                    let slot = outputRow * g.outputWidth + outputColumn
                    if transpose {
                        let share = pooled[slot] * scale
                        for row in rows {
                            let line = image + row * g.width
                            for column in columns { line[column] += share }
                        }
                    } else {
                        var total: Float = 0
                        for row in rows {
                            let line = image + row * g.width
                            for column in columns { total += line[column] }
                        }
                        pooled[slot] = total * scale
                    }
                }
            }
        }
    }
}

extension ConvolutionGeometry {
    /// 2×2 windows at stride 2 without padding (LeNet, VGG): pooled by the C kernels of
    /// `max_pool.c`, whose forward comparisons are branch-free so they vectorise (the Swift loops
    /// were 5.6% of a LeNet epoch, the C ones 2.2%), and whose backward pass zeroes and fills one
    /// plane at a time, so the caller need not zero the gradient.
    var isPlainTwoByTwo: Bool {
        kernelHeight == 2 && kernelWidth == 2 && stride == 2 && dilation == 1 && padTop == 0 && padLeft == 0
    }
}

extension ConvolutionGeometry {
    /// The input rows and columns under the window of output pixel (`row`, `column`), clipped to
    /// the image: padding only lets windows hang over the border, it is never read.
    func window(row: Int, column: Int) -> (rows: Range<Int>, columns: Range<Int>) {
        let top = row * stride - padTop, left = column * stride - padLeft
        return (max(top, 0)..<min(top + kernelHeight, height), max(left, 0)..<min(left + kernelWidth, width))
    }
}
