/// An sRGB colour with opacity, 8 bits per channel: what a PNG pixel holds.
public struct Color: Sendable, Equatable {
    /// The red channel, 0…255.
    public var red: UInt8
    /// The green channel, 0…255.
    public var green: UInt8
    /// The blue channel, 0…255.
    public var blue: UInt8
    /// 255 is opaque, 0 transparent.
    public var alpha: UInt8

    /// A colour from its channels.
    public init(red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8 = 255) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// A colour written as `0xRRGGBB`.
    public init(hex: UInt32, alpha: UInt8 = 255) {
        self.init(red: UInt8(hex >> 16 & 0xFF), green: UInt8(hex >> 8 & 0xFF), blue: UInt8(hex & 0xFF), alpha: alpha)
    }

    /// The background of every figure.
    public static let white = Color(hex: 0xFFFFFF)
    /// Pure black.
    public static let black = Color(hex: 0x000000)
    /// The colour of axes and text: near black, softer on screen.
    public static let ink = Color(hex: 0x222222)
    /// Grid lines.
    public static let grid = Color(hex: 0xE4E4E4)
    /// Secondary text and frames.
    public static let gray = Color(hex: 0x888888)

    /// Ten distinguishable colours for series, in the order of matplotlib's `tab10`.
    public static let palette: [Color] = [
        0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD, 0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22, 0x17BECF,
    ].map { Color(hex: $0) }

    /// The `index`-th palette colour, repeating after ten.
    public static func series(_ index: Int) -> Color { palette[index % palette.count] }

    /// The same colour with opacity `alpha` in [0, 1].
    public func withOpacity(_ opacity: Double) -> Color {
        Color(red: red, green: green, blue: blue, alpha: UInt8((max(0, min(1, opacity)) * 255).rounded()))
    }

    /// The straight mix `(1 − t)·self + t·other` of two colours, t in [0, 1].
    public func mixed(with other: Color, _ t: Double) -> Color {
        let t = max(0, min(1, t))
        func channel(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) * (1 - t) + Double(b) * t).rounded()) }
        return Color(red: channel(red, other.red), green: channel(green, other.green),
                     blue: channel(blue, other.blue), alpha: channel(alpha, other.alpha))
    }

    /// `#rrggbb`, for SVG.
    var hexString: String {
        "#" + [red, green, blue].map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

/// How numbers become colours in heat maps and image tiles.
public enum ColorMap: Sendable {
    /// Negative values red, zero white, positive green, symmetric around zero: the sign of a
    /// weight is what matters when reading what a unit looks for.
    case diverging
    /// Low values white, high values black: how digits are usually shown.
    case grayscale
    /// Low values light, high values dark blue, for non-negative quantities.
    case sequential

    static let negative = Color(hex: 0xB2182B), positive = Color(hex: 0x1B7837)
    static let sequentialHigh = Color(hex: 0x08306B)

    /// The colour of `value`. Diverging maps `[-limit, limit]`, the others `[0, limit]`;
    /// values outside saturate.
    public func color(_ value: Double, limit: Double) -> Color {
        let scaled = limit > 0 && value.isFinite ? value / limit : 0
        switch self {
        case .diverging:
            return Color.white.mixed(with: scaled < 0 ? Self.negative : Self.positive, min(1, abs(scaled)))
        case .grayscale:
            return Color.white.mixed(with: .black, scaled)
        case .sequential:
            return Color(hex: 0xF7FBFF).mixed(with: Self.sequentialHigh, scaled)
        }
    }
}

extension String {
    func leftPadded(to length: Int, with pad: Character = "0") -> String {
        count >= length ? self : String(repeating: pad, count: length - count) + self
    }
}
