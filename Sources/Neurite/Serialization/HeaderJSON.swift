/// A JSON value as read from a file header.
///
/// A parser of our own rather than `JSONSerialization`, for three things a header from outside
/// needs and Foundation does not give: duplicate keys are reported (Foundation keeps the last one
/// silently, so two tensors could share a name), integers are exact `Int`s or refused (no
/// detour through `Double`, no `true` read as 1), and nesting is bounded, so a header of ten
/// thousand `[` cannot exhaust the stack.
enum HeaderJSON {
    case object([(key: String, value: HeaderJSON)])
    case array([HeaderJSON])
    case string(String)
    case integer(Int)
    /// A number with a fraction or exponent, or an integer too large for `Int`.
    case number(Double)
    case bool(Bool)
    case null

    /// Deeper nesting is refused; a safetensors header needs 3 levels.
    static let maximumDepth = 64

    /// Parses one JSON value filling `bytes` (surrounding whitespace allowed).
    /// - Throws: ``HeaderJSON/SyntaxError`` saying what was expected where.
    static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> HeaderJSON {
        var parser = Parser(bytes: bytes)
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.error("expected the end of the header") }
        return value
    }

    /// What is wrong where, e.g. "expected ':' at byte 17".
    struct SyntaxError: Error {
        let message: String
    }

    private struct Parser {
        let bytes: [UInt8]
        var position = 0

        func error(_ expected: String) -> SyntaxError {
            let found = position < bytes.count ? "'\(Character(Unicode.Scalar(bytes[position])))'" : "the end"
            return SyntaxError(message: "\(expected) at byte \(position), found \(found)")
        }

        mutating func skipWhitespace() {
            while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }

        mutating func value(depth: Int) throws(SyntaxError) -> HeaderJSON {
            guard depth < HeaderJSON.maximumDepth else { throw error("expected at most \(HeaderJSON.maximumDepth) levels of nesting") }
            skipWhitespace()
            guard position < bytes.count else { throw error("expected a value") }
            switch bytes[position] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["):
                position += 1
                var elements: [HeaderJSON] = []
                if consume(UInt8(ascii: "]")) { return .array(elements) }
                repeat { elements.append(try value(depth: depth + 1)) } while consume(UInt8(ascii: ","))
                guard consume(UInt8(ascii: "]")) else { throw error("expected ',' or ']'") }
                return .array(elements)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            default: return try number()
            }
        }

        mutating func object(depth: Int) throws(SyntaxError) -> HeaderJSON {
            position += 1
            var members: [(key: String, value: HeaderJSON)] = []
            var seen = Set<String>()
            if consume(UInt8(ascii: "}")) { return .object(members) }
            repeat {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a key in quotes") }
                let key = try string()
                guard seen.insert(key).inserted else { throw SyntaxError(message: "the key \"\(key)\" appears twice") }
                guard consume(UInt8(ascii: ":")) else { throw error("expected ':'") }
                members.append((key, try value(depth: depth + 1)))
            } while consume(UInt8(ascii: ","))
            guard consume(UInt8(ascii: "}")) else { throw error("expected ',' or '}'") }
            return .object(members)
        }

        mutating func literal(_ word: String, _ result: HeaderJSON) throws(SyntaxError) -> HeaderJSON {
            let expected = Array(word.utf8)
            guard bytes.count - position >= expected.count, Array(bytes[position..<(position + expected.count)]) == expected else {
                throw error("expected a value")
            }
            position += expected.count
            return result
        }

        mutating func number() throws(SyntaxError) -> HeaderJSON {
            let start = position
            while position < bytes.count, "+-0123456789.eE".utf8.contains(bytes[position]) { position += 1 }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            if let integer = Int(text) { return .integer(integer) }
            guard let double = Double(text), double.isFinite else {
                position = start
                throw error("expected a value")
            }
            return .number(double)
        }

        mutating func string() throws(SyntaxError) -> String {
            position += 1
            var utf8: [UInt8] = []
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                switch byte {
                case UInt8(ascii: "\""):
                    guard let text = String(validating: utf8, as: UTF8.self) else { throw error("expected UTF-8 text in a string") }
                    return text
                case UInt8(ascii: "\\"):
                    guard position < bytes.count else { throw error("expected an escape") }
                    let escape = bytes[position]
                    position += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                    case UInt8(ascii: "b"): utf8.append(0x08)
                    case UInt8(ascii: "f"): utf8.append(0x0C)
                    case UInt8(ascii: "n"): utf8.append(0x0A)
                    case UInt8(ascii: "r"): utf8.append(0x0D)
                    case UInt8(ascii: "t"): utf8.append(0x09)
                    case UInt8(ascii: "u"): utf8.append(contentsOf: try unicodeEscape())
                    default: throw error("expected a valid escape")
                    }
                case 0..<0x20: throw error("expected no control character in a string")
                default: utf8.append(byte)
                }
            }
            throw error("expected '\"' closing the string")
        }

        /// The UTF-8 bytes of `\uXXXX` (a surrogate pair takes two escapes); lone surrogates are refused.
        mutating func unicodeEscape() throws(SyntaxError) -> [UInt8] {
            var code = try hexQuad()
            if (0xD800..<0xDC00).contains(code) {
                guard bytes.count - position >= 2, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                    throw error("expected the second half of a surrogate pair")
                }
                position += 2
                let low = try hexQuad()
                guard (0xDC00..<0xE000).contains(low) else { throw error("expected the second half of a surrogate pair") }
                code = 0x10000 + (code - 0xD800) << 10 + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(code) else { throw error("expected a Unicode scalar") }
            return Array(String(Character(scalar)).utf8)
        }

        mutating func hexQuad() throws(SyntaxError) -> UInt32 {
            guard bytes.count - position >= 4,
                  let value = UInt32(String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16)
            else { throw error("expected four hex digits") }
            position += 4
            return value
        }
    }
}
