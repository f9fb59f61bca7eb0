/// Reading the Protocol Buffers wire format (see ``ProtobufWriter``) from bytes nobody vouches for.
///
/// Every length is checked against the bytes left before it is used, so a truncated or forged
/// file ends in ``InteropError/malformedONNX(_:)`` naming the byte, never in a read past the end
/// or an allocation of what the file only claims to hold. Nested messages are new readers over
/// the same array (no copy).
struct ProtobufReader {
    /// One field of a message: its number and its value.
    struct Field {
        enum Value {
            /// Wire type 0: integers, booleans, enums.
            case varint(UInt64)
            /// Wire type 1.
            case fixed64(UInt64)
            /// Wire type 5: `float`.
            case fixed32(UInt32)
            /// Wire type 2: strings, bytes, nested messages, packed repeated numbers.
            case bytes(ProtobufReader)
        }

        let number: Int
        let value: Value
        /// Where the field starts in the file, for error messages.
        let offset: Int
    }

    private let bytes: [UInt8]
    private var position: Int
    private let end: Int

    init(_ bytes: [UInt8]) {
        self.init(bytes, from: 0, to: bytes.count)
    }

    private init(_ bytes: [UInt8], from start: Int, to end: Int) {
        (self.bytes, position, self.end) = (bytes, start, end)
    }

    var isAtEnd: Bool { position >= end }
    var count: Int { end - position }

    /// The next field, or `nil` at the end of the message.
    mutating func nextField() throws -> Field? {
        guard !isAtEnd else { return nil }
        let offset = position
        let key = try varint()
        let number = key >> 3
        guard number > 0, number < 1 << 29 else { throw malformed("field number \(number)", at: offset) }
        switch key & 7 {
        case 0: return Field(number: Int(number), value: .varint(try varint()), offset: offset)
        case 1: return Field(number: Int(number), value: .fixed64(try fixed(8)), offset: offset)
        case 5: return Field(number: Int(number), value: .fixed32(UInt32(try fixed(4))), offset: offset)
        case 2:
            let length = try varint()
            guard length <= UInt64(count) else {
                throw malformed("a field of \(length) bytes where \(count) are left", at: offset)
            }
            let inner = ProtobufReader(bytes, from: position, to: position + Int(length))
            position += Int(length)
            return Field(number: Int(number), value: .bytes(inner), offset: offset)
        default:
            // 3 and 4 are proto2's groups, which ONNX does not use; 6 and 7 do not exist.
            throw malformed("wire type \(key & 7) of field \(number)", at: offset)
        }
    }

    /// The remaining bytes.
    var remainingBytes: ArraySlice<UInt8> { bytes[position..<end] }

    /// Seven bits a byte, low first; at most ten bytes (a 64-bit value).
    mutating func varint() throws -> UInt64 {
        let start = position
        var result: UInt64 = 0
        for shift in stride(from: UInt64(0), to: 70, by: 7) {
            guard position < end else { throw malformed("a number cut off by the end of its message", at: start) }
            let byte = bytes[position]
            position += 1
            // The tenth byte holds the 64th bit only.
            guard shift < 63 || byte <= 1 else { throw malformed("a number longer than 64 bits", at: start) }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
        }
        throw malformed("a number longer than 64 bits", at: start)
    }

    /// `size` little-endian bytes.
    private mutating func fixed(_ size: Int) throws -> UInt64 {
        guard count >= size else { throw malformed("\(size) bytes of a number where \(count) are left", at: position) }
        var result: UInt64 = 0
        for index in 0..<size { result |= UInt64(bytes[position + index]) << (8 * index) }
        position += size
        return result
    }

    private func malformed(_ found: String, at offset: Int) -> InteropError {
        .malformedONNX("\(found) at byte \(offset)")
    }
}

extension ProtobufReader.Field {
    /// The value of an integer field (`int64`, `int32`, enum): negative numbers are ten-byte
    /// varints holding the two's complement.
    func integer() throws -> Int {
        guard case let .varint(value) = value else { throw mismatch("an integer") }
        return Int(Int64(bitPattern: value))
    }

    /// The value of a `float` field.
    func float() throws -> Float {
        guard case let .fixed32(value) = value else { throw mismatch("a float") }
        return Float(bitPattern: value)
    }

    /// The reader of a nested message, `bytes` or `string` field.
    func message() throws -> ProtobufReader {
        guard case let .bytes(reader) = value else { throw mismatch("a message or a string") }
        return reader
    }

    func string() throws -> String {
        String(decoding: try message().remainingBytes, as: UTF8.self)
    }

    /// A repeated integer field, either form: one key per value, or packed (proto3's default,
    /// one length-delimited run of varints). Appends to `values`.
    func appendIntegers(to values: inout [Int]) throws {
        if case var .bytes(packed) = value {
            while !packed.isAtEnd { values.append(Int(Int64(bitPattern: try packed.varint()))) }
        } else {
            values.append(try integer())
        }
    }

    /// A repeated `float` field, either form. Appends to `values`.
    func appendFloats(to values: inout [Float]) throws {
        if case let .bytes(packed) = value {
            guard packed.count % 4 == 0 else { throw mismatch("floats of 4 bytes each") }
            values.append(contentsOf: littleEndianFloats(packed.remainingBytes))
        } else {
            values.append(try float())
        }
    }

    /// A repeated `double` field, either form, converted. Appends to `values`.
    func appendDoubles(to values: inout [Float]) throws {
        switch value {
        case let .bytes(packed):
            guard packed.count % 8 == 0 else { throw mismatch("doubles of 8 bytes each") }
            values.append(contentsOf: littleEndianDoubles(packed.remainingBytes))
        case let .fixed64(bits):
            values.append(Float(Double(bitPattern: bits)))
        default:
            throw mismatch("a double")
        }
    }

    private func mismatch(_ expected: String) -> InteropError {
        let found: String
        switch value {
        case .varint: found = "an integer"
        case .fixed64: found = "8 fixed bytes"
        case .fixed32: found = "4 fixed bytes"
        case let .bytes(reader): found = "\(reader.count) bytes"
        }
        return .malformedONNX("\(found) in field \(number) at byte \(offset), where ONNX has \(expected)")
    }
}

/// Floats stored as 4 little-endian bytes each; `bytes.count` is a multiple of 4.
func littleEndianFloats(_ bytes: ArraySlice<UInt8>) -> [Float] {
    let count = bytes.count / 4
    return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        bytes.withUnsafeBytes { raw in
            for index in 0..<count { buffer[index] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self))) }
        }
        initialized = count
    }
}

/// Doubles stored as 8 little-endian bytes each, rounded to Float.
func littleEndianDoubles(_ bytes: ArraySlice<UInt8>) -> [Float] {
    bytes.withUnsafeBytes { raw in
        (0..<bytes.count / 8).map { Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)))) }
    }
}
