/// How a ``Dataset`` holds its samples.
///
/// Most datasets hold a `Float` tensor. Image datasets whose pixels are bytes keep the bytes and
/// convert only the rows a batch reads: MNIST's 60,000 training images are 47 MB as bytes and
/// 188 MB as `Float`, and a whole-set `Float` copy was most of a training run's peak memory.
enum DatasetSamples: Sendable {
    case floats(Tensor)
    case bytes(ByteSamples)

    var count: Int {
        switch self {
        case let .floats(tensor): return tensor.shape[0]
        case let .bytes(samples): return samples.count
        }
    }

    var sampleShape: [Int] {
        switch self {
        case let .floats(tensor): return Array(tensor.shape.dropFirst())
        case let .bytes(samples): return samples.sampleShape
        }
    }

    /// The samples at `indices` as one `Float` tensor `[indices.count] + sampleShape`.
    func rows(_ indices: [Int]) -> Tensor {
        switch self {
        case let .floats(tensor): return tensor.rows(indices)
        case let .bytes(samples): return samples.rows(indices)
        }
    }

    /// ``rows(_:)`` copied by the kernel pool's workers while the caller goes on (a training step
    /// gathers the next batch this way, see ``InputPrefetch``): read `rows` after `work.finish()`.
    func startGathering(_ indices: [Int]) -> (rows: Tensor, work: BackgroundWork) {
        precondition(indices.allSatisfy { (0..<count).contains($0) }, "sample index outside 0..<\(count)")
        let rows = Tensor(uninitializedShape: [indices.count] + sampleShape)
        // Parts of 8 rows or more: the worker claims one at a time, so the caller finds little
        // left to copy when it needs the batch, and each part still streams whole rows.
        let parts = max(1, indices.count / 8)
        switch self {
        case let .floats(tensor):
            let length = tensor.count / max(tensor.shape[0], 1)
            return (rows, BackgroundWork.start(indices.count, parts: parts) { positions in
                Kernels.copyRows(tensor.storage.base, rowLength: length, indices: indices, positions: positions, into: rows.storage.base)
            })
        case let .bytes(samples):
            return (rows, BackgroundWork.start(indices.count, parts: parts) { positions in
                samples.convert(indices[positions], into: rows.storage.base + positions.lowerBound * samples.sampleLength)
            })
        }
    }

    /// Every sample as one `Float` tensor.
    var all: Tensor {
        switch self {
        case let .floats(tensor): return tensor
        case let .bytes(samples): return samples.rows(Array(0..<samples.count))
        }
    }

    /// The samples at `indices`, held the same way.
    func subset(_ indices: [Int]) -> DatasetSamples {
        switch self {
        case let .floats(tensor): return .floats(tensor.rows(indices))
        case let .bytes(samples): return .bytes(samples.subset(indices))
        }
    }

    /// The same samples, each of shape `shape`.
    func reshaped(to shape: [Int]) throws -> DatasetSamples {
        switch self {
        case let .floats(tensor): return .floats(tensor.reshaped([count] + shape))
        case let .bytes(samples):
            guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == samples.sampleLength else {
                throw TensorError.invalidShape(shape, reason: "cannot hold a sample of shape \(samples.sampleShape)")
            }
            return .bytes(ByteSamples(bytes: samples.bytes, sampleShape: shape, scale: samples.scale, shift: samples.shift))
        }
    }
}

/// Samples stored as bytes, each byte `b` standing for the value `Float(b) * scale - shift`.
///
/// The affine map is the standardisation x′ = (b / 255 − μ) / σ folded into one multiply and one
/// subtract, the same expression the whole-set conversion used, so a batch converted here holds
/// the same `Float`s bit for bit.
struct ByteSamples: Sendable {
    /// The samples one after the other, `count × sampleLength` bytes.
    let bytes: [UInt8]
    let sampleShape: [Int]
    let scale: Float
    let shift: Float

    init(bytes: [UInt8], sampleShape: [Int], scale: Float, shift: Float) {
        precondition(scale.isFinite && shift.isFinite, "byte samples need a finite scale and shift")
        let length = sampleShape.reduce(1, *)
        precondition(length > 0 && bytes.count % length == 0, "\(bytes.count) bytes do not hold whole samples of shape \(sampleShape)")
        self.bytes = bytes
        self.sampleShape = sampleShape
        self.scale = scale
        self.shift = shift
    }

    var sampleLength: Int { sampleShape.reduce(1, *) }
    var count: Int { bytes.count / sampleLength }

    /// The samples at `indices`, converted to `Float`.
    func rows(_ indices: [Int]) -> Tensor {
        precondition(indices.allSatisfy { (0..<count).contains($0) }, "sample index outside 0..<\(count)")
        let length = sampleLength
        let result = Tensor(uninitializedShape: [indices.count] + sampleShape)
        let base = result.storage.base
        Kernels.parallelGather(indices.count, rowLength: length) { positions in
            convert(indices[positions], into: base + positions.lowerBound * length)
        }
        return result
    }

    /// The samples at `indices`, converted, one after the other from `destination`.
    func convert(_ indices: ArraySlice<Int>, into destination: UnsafeMutablePointer<Float>) {
        let length = sampleLength, scale = scale, shift = shift
        var destination = destination
        bytes.withUnsafeBufferPointer { source in
            for row in indices {
                for byte in source[(row * length)..<(row * length + length)] {
                    destination.pointee = Float(byte) * scale - shift
                    destination += 1
                }
            }
        }
    }

    /// The samples at `indices`, still as bytes.
    func subset(_ indices: [Int]) -> ByteSamples {
        let length = sampleLength
        var gathered: [UInt8] = []
        gathered.reserveCapacity(indices.count * length)
        for row in indices { gathered += bytes[(row * length)..<(row * length + length)] }
        return ByteSamples(bytes: gathered, sampleShape: sampleShape, scale: scale, shift: shift)
    }
}
