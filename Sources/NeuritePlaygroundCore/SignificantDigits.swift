import Foundation

/// Numbers as the frames carry them: 4 significant digits, which is more than a pixel's colour or
/// a bar's height can show, and keeps a frame of a few thousand numbers small. NaN and infinity,
/// which JSON cannot hold, become `nil` (JSON `null`; the page shows "diverged").
enum SignificantDigits {
    /// `value` rounded to 4 significant digits, or nil when it is not finite.
    static func round(_ value: Double) -> Double? {
        guard value.isFinite else { return nil }
        guard value != 0 else { return 0 }
        // 10^(3 − ⌊log₁₀|v|⌋) moves the 4th significant digit to the units; dividing back by the
        // exact power of ten gives the double nearest the decimal, which prints in ≤ 4 digits.
        let exponent = 3 - Int(floor(log10(Swift.abs(value))))
        if exponent > 300 { return 0 }
        if exponent >= 0 {
            let scale = pow(10, Double(exponent))
            return (value * scale).rounded() / scale
        }
        let scale = pow(10, Double(-exponent))
        return (value / scale).rounded() * scale
    }

    /// `value` rounded, as ``round(_:)-(Double)``.
    static func round(_ value: Float) -> Double? { round(Double(value)) }

    /// Every element rounded.
    static func round(_ values: [Float]) -> [Double?] { values.map { round(Double($0)) } }
}
