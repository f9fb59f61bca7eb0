/// The Protocol Buffers wire format, as much of it as an ONNX file needs.
///
/// A message is a sequence of fields, each a key — `field number << 3 | wire type` as a varint —
/// then its value: a varint (wire type 0: integers, enums), 4 little-endian bytes (type 5:
/// float), or a varint length and that many bytes (type 2: strings, bytes, nested messages,
/// packed arrays). Writing the few ONNX messages by hand takes these ~50 lines; generating them
/// with swift-protobuf would make every user of the library build that package and thousands of
/// generated lines for a file format most of them never write.
struct ProtobufWriter {
    /// The encoded message so far.
    private(set) var bytes: [UInt8] = []

    /// Seven bits per byte, low bits first, the high bit set on every byte but the last.
    mutating func appendVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    private mutating func appendKey(_ field: Int, wireType: UInt64) {
        appendVarint(UInt64(field) << 3 | wireType)
    }

    /// An `int64`/`int32`/enum field. Negative numbers take ten bytes (two's complement as
    /// unsigned), as protobuf encodes them.
    mutating func int(_ field: Int, _ value: Int) {
        appendKey(field, wireType: 0)
        appendVarint(UInt64(bitPattern: Int64(value)))
    }

    /// A `float` field.
    mutating func float(_ field: Int, _ value: Float) {
        appendKey(field, wireType: 5)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A `bytes` field.
    mutating func bytes(_ field: Int, _ value: [UInt8]) {
        appendKey(field, wireType: 2)
        appendVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A `string` field, UTF-8.
    mutating func string(_ field: Int, _ value: String) {
        bytes(field, Array(value.utf8))
    }

    /// A nested message field, written by `body`.
    mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        body(&inner)
        bytes(field, inner.bytes)
    }
}
