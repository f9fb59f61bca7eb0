import Foundation

/// The checked header of a safetensors file: each tensor's dtype, shape and byte range, and the
/// string metadata.
///
/// Everything a hostile header could use to crash or exhaust the reader is refused here, before
/// any tensor is allocated: a header longer than ``maximumLength`` or nested deeper than
/// ``HeaderJSON/maximumDepth``, duplicate names, shapes whose element count overflows or exceeds
/// ``SizeLimit``, a byte range that does not match shape × dtype size, and ranges that overlap,
/// leave holes, run backwards or past the end of the file (the layout the format prescribes:
/// the data buffer is covered exactly, with no gaps).
struct SafetensorsHeader {
    struct Entry {
        let name: String
        let dtype: SafetensorsDType
        let shape: [Int]
        /// Byte offsets relative to the start of the data buffer.
        let range: Range<Int>
    }

    /// As in the reference implementation: 100 MB of JSON is far more than any model needs.
    static let maximumLength = 100_000_000

    let entries: [Entry]
    let metadata: [String: String]
    /// Where the data buffer starts in the file.
    let dataStart: Int

    init(_ data: Data, file url: URL) throws {
        func malformed(_ reason: String) -> SerializationError { .malformed(url, reason: reason) }
        guard data.count >= 8 else { throw malformed("\(data.count) bytes, fewer than the 8-byte header length") }
        let length = data.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard length <= UInt64(min(Self.maximumLength, data.count - 8)) else {
            throw malformed("a header length of \(length) bytes, more than the \(data.count - 8) bytes after it (limit \(Self.maximumLength))")
        }
        dataStart = 8 + Int(length)
        let json: HeaderJSON
        do { json = try HeaderJSON.parse([UInt8](data[(data.startIndex + 8)..<(data.startIndex + dataStart)])) } catch {
            throw malformed("a header that is not JSON: \(error.message)")
        }
        guard case let .object(members) = json else { throw malformed("a header that is not a JSON object") }
        var metadata: [String: String] = [:], entries: [Entry] = []
        for (name, value) in members {
            if name == "__metadata__" {
                // Any metadata loads; only its string values are kept (the format allows only
                // strings, but a foreign writer's numbers must not make the weights unreadable).
                guard case let .object(pairs) = value else { throw malformed("__metadata__ that is not an object") }
                for case let (key, .string(text)) in pairs { metadata[key] = text }
                continue
            }
            entries.append(try Self.entry(name, value, bufferSize: data.count - dataStart, malformed: malformed))
        }
        try Self.checkLayout(entries, bufferSize: data.count - dataStart, malformed: malformed)
        self.entries = entries
        self.metadata = metadata
    }

    private static func entry(
        _ name: String, _ value: HeaderJSON, bufferSize: Int, malformed: (String) -> SerializationError
    ) throws -> Entry {
        guard case let .object(fields) = value else { throw malformed("tensor \(name) described by something other than an object") }
        let field = Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        guard case let .string(dtypeName)? = field["dtype"] else { throw malformed("tensor \(name) without a dtype") }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            let known = SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ")
            throw malformed("tensor \(name) of dtype \(dtypeName), which Neurite does not read (it reads \(known))")
        }
        guard case let .array(dimensions)? = field["shape"] else { throw malformed("tensor \(name) without a shape") }
        let shape = try dimensions.map { dimension -> Int in
            guard case let .integer(size) = dimension, size >= 0 else { throw malformed("tensor \(name) with a shape that is not a list of counts") }
            return size
        }
        guard case let .array(offsets)? = field["data_offsets"], offsets.count == 2,
              case let .integer(begin) = offsets[0], case let .integer(end) = offsets[1] else {
            throw malformed("tensor \(name) without data_offsets [begin, end]")
        }
        guard begin >= 0, begin <= end else { throw malformed("tensor \(name) with data_offsets [\(begin), \(end)] running backwards") }
        if let problem = SizeLimit.problem(shape: shape) { throw malformed("tensor \(name) whose \(problem)") }
        let count = SizeLimit.elementCount(shape)!
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.size)
        guard !overflow, bytes == end - begin else {
            throw malformed("tensor \(name) of shape \(shape) and dtype \(dtype.rawValue) needing \(count) × \(dtype.size) = \(overflow ? "too many" : "\(bytes)") bytes, but data_offsets [\(begin), \(end)] hold \(end - begin)")
        }
        guard end <= bufferSize else {
            throw malformed("tensor \(name) at data_offsets [\(begin), \(end)], past the \(bufferSize) bytes of data (truncated file?)")
        }
        return Entry(name: name, dtype: dtype, shape: shape, range: begin..<end)
    }

    /// The ranges, in file order, must tile the data buffer: no overlap, no hole.
    private static func checkLayout(_ entries: [Entry], bufferSize: Int, malformed: (String) -> SerializationError) throws {
        var expectedStart = 0, previous: Entry?
        for entry in entries.sorted(by: { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }) {
            if entry.range.lowerBound < expectedStart, let previous {
                throw malformed("tensors \(previous.name) [\(previous.range.lowerBound), \(previous.range.upperBound)) and \(entry.name) [\(entry.range.lowerBound), \(entry.range.upperBound)) overlapping")
            }
            guard entry.range.lowerBound == expectedStart else {
                throw malformed("a hole of unused bytes [\(expectedStart), \(entry.range.lowerBound)) before tensor \(entry.name)")
            }
            expectedStart = entry.range.upperBound
            previous = entry
        }
        guard expectedStart == bufferSize else {
            throw malformed("\(bufferSize - expectedStart) bytes after the last tensor's data (expected \(expectedStart) bytes of data)")
        }
    }
}
