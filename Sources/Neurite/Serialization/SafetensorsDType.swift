/// The element types of safetensors files that Neurite reads, all converted to `Float` on
/// load, and the two it writes (F32, and F16 on request to halve the file).
///
/// Integer and byte tensors (labels, masks, quantised images) load as their exact values up to
/// 2²⁴; F64 and I64 values beyond `Float`'s range or precision are rounded.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    /// IEEE single precision, Neurite's own type: read and written exactly.
    case float32 = "F32"
    /// IEEE half precision: read exactly, written on request (rounded to nearest even).
    case float16 = "F16"
    /// bfloat16 (the upper half of a float32), as PyTorch saves mixed-precision weights.
    case bfloat16 = "BF16"
    /// IEEE double precision, rounded to single on load.
    case float64 = "F64"
    /// Signed integers of 64, 32, 16 and 8 bits, e.g. class labels.
    case int64 = "I64", int32 = "I32", int16 = "I16", int8 = "I8"
    /// Unsigned bytes, e.g. raw pixels.
    case uint8 = "U8"
    /// Booleans, one byte each, read as 0 or 1.
    case bool = "BOOL"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .float64, .int64: return 8
        case .float32, .int32: return 4
        case .float16, .bfloat16, .int16: return 2
        case .int8, .uint8, .bool: return 1
        }
    }

    /// The element stored little-endian at `bytes[offset...]`, as a Float.
    func element(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Float {
        func bits<T: FixedWidthInteger>(_ type: T.Type) -> T { T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self)) }
        switch self {
        case .float32: return Float(bitPattern: bits(UInt32.self))
        case .float16: return halfToFloat(bits(UInt16.self))
        // bfloat16 is the upper half of a float32: same exponent, 7 bits of mantissa.
        case .bfloat16: return Float(bitPattern: UInt32(bits(UInt16.self)) << 16)
        case .float64: return Float(Double(bitPattern: bits(UInt64.self)))
        case .int64: return Float(bits(Int64.self))
        case .int32: return Float(bits(Int32.self))
        case .int16: return Float(bits(Int16.self))
        case .int8: return Float(bits(Int8.self))
        case .uint8: return Float(bits(UInt8.self))
        case .bool: return bits(UInt8.self) == 0 ? 0 : 1
        }
    }
}

/// IEEE 754 binary16 → binary32, exact. Written out rather than through `Float16`, which macOS
/// on Intel does not have.
func halfToFloat(_ half: UInt16) -> Float {
    let sign = UInt32(half & 0x8000) << 16
    let exponent = Int(half >> 10 & 0x1F), mantissa = UInt32(half & 0x3FF)
    switch exponent {
    case 0:  // zero or subnormal: mantissa · 2⁻²⁴
        let magnitude = Float(mantissa) * 0x1p-24
        return sign == 0 ? magnitude : -magnitude
    case 0x1F: return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)  // infinity or NaN
    default: return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | mantissa << 13)
    }
}

/// IEEE 754 binary32 → binary16, rounding to nearest even; values beyond ±65504 become infinite
/// (the writer refuses those before calling this).
func floatToHalf(_ value: Float) -> UInt16 {
    let bits = value.bitPattern
    let sign = UInt16(bits >> 16 & 0x8000)
    let exponent = Int(bits >> 23 & 0xFF), mantissa = bits & 0x7F_FFFF
    if exponent == 0xFF { return sign | 0x7C00 | (mantissa == 0 ? 0 : 0x200) }
    let halfExponent = exponent - 127 + 15
    if halfExponent >= 0x1F { return sign | 0x7C00 }
    if halfExponent <= 0 {
        // Subnormal half (or zero): shift the mantissa with its implicit 1 into place.
        guard halfExponent >= -10 else { return sign }
        let full = mantissa | 0x80_0000, shift = UInt32(14 - halfExponent)
        var result = full >> shift
        let remainder = full & ((1 << shift) - 1), halfway = UInt32(1) << (shift - 1)
        if remainder > halfway || (remainder == halfway && result & 1 == 1) { result += 1 }
        return sign | UInt16(result)
    }
    var result = UInt32(halfExponent) << 10 | mantissa >> 13
    let remainder = mantissa & 0x1FFF
    // A carry out of the mantissa correctly bumps the exponent (up to infinity).
    if remainder > 0x1000 || (remainder == 0x1000 && result & 1 == 1) { result += 1 }
    return sign | UInt16(result)
}
