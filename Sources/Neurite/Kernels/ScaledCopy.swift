extension Kernels {
    /// `destination[i] = scale · source[i]`: one pass over raw memory, which the compiler
    /// vectorises (a plain memory copy when `scale` is 1). Data-parallel training moves every
    /// gradient through it twice a step, into the allreduce buffer and back, where building
    /// arrays element by element cost as much as the allreduce itself.
    static func scaledCopy(_ source: UnsafeBufferPointer<Float>, by scale: Float, into destination: UnsafeMutablePointer<Float>) {
        guard let base = source.baseAddress else { return }
        if scale == 1 {
            destination.update(from: base, count: source.count)
            return
        }
        for index in 0..<source.count { destination[index] = scale * base[index] }
    }
}
