import Foundation

/// How values are spaced along an axis.
public enum Scale: Sendable {
    case linear
    /// Equal distances for equal ratios: for gradient norms and variances spanning many decades.
    /// Values ≤ 0 cannot be shown and are left out.
    case logarithmic
}

/// One axis of a plot: a range of values, its scale, and where its ticks go.
struct Axis {
    let lower: Double
    let upper: Double
    let scale: Scale
    /// Tick values, inside the range.
    let ticks: [Double]
    /// The distance between linear ticks, which decides how many decimals their labels need.
    private let step: Double

    /// An axis covering `values` (or exactly `range` when given), widened to whole ticks.
    init(covering values: [Double], scale: Scale, range: ClosedRange<Double>? = nil) {
        self.scale = scale
        let shown = values.filter { $0.isFinite && (scale == .linear || $0 > 0) }
        switch scale {
        case .linear:
            var low = range?.lowerBound ?? shown.min() ?? 0, high = range?.upperBound ?? shown.max() ?? 1
            if high - low < 1e-12 * max(1, abs(high)) { low -= 0.5; high += 0.5 }
            var step = Axis.niceStep((high - low) / 6)
            // Counts (epochs, layers) get whole-number ticks.
            if step < 1, range == nil, !shown.isEmpty, shown.allSatisfy({ $0 == $0.rounded() }) { step = 1 }
            if range == nil {
                low = (low / step).rounded(.down) * step
                high = (high / step).rounded(.up) * step
            }
            lower = low
            upper = high
            self.step = step
            let first = (low / step - 1e-9).rounded(.up)
            ticks = stride(from: first, through: high / step + 1e-9, by: 1).map { $0 * step }
        case .logarithmic:
            let low = range?.lowerBound ?? shown.min() ?? 0.1, high = range?.upperBound ?? shown.max() ?? 10
            var lowDecade = log10(max(low, .leastNormalMagnitude)).rounded(.down)
            var highDecade = log10(max(high, .leastNormalMagnitude)).rounded(.up)
            if highDecade <= lowDecade { lowDecade -= 1; highDecade += 1 }
            lower = pow(10, lowDecade)
            upper = pow(10, highDecade)
            step = 1
            let every = max(1, Int(((highDecade - lowDecade) / 7).rounded(.up)))
            // Ticks on multiples of `every` decades (1e-6, 1, 1e6), not counted from the bottom.
            let first = Int((lowDecade / Double(every)).rounded(.up)) * every
            ticks = stride(from: first, through: Int(highDecade), by: every).map { pow(10, Double($0)) }
        }
    }

    /// 1, 2 or 5 times a power of ten, the nearest to `rough` in ratio.
    static func niceStep(_ rough: Double) -> Double {
        let magnitude = pow(10, log10(max(rough, 1e-300)).rounded(.down))
        let candidates: [Double] = [1, 2, 5, 10].map { $0 * magnitude }
        return candidates.min { abs(log($0 / rough)) < abs(log($1 / rough)) }!
    }

    /// Where `value` falls, 0 at the lower end and 1 at the upper; nil when it cannot be shown.
    func fraction(_ value: Double) -> Double? {
        guard value.isFinite else { return nil }
        switch scale {
        case .linear: return (value - lower) / (upper - lower)
        case .logarithmic: return value > 0 ? (log10(value) - log10(lower)) / (log10(upper) - log10(lower)) : nil
        }
    }

    /// The tick label of `value`: as few decimals as the tick spacing needs, powers of ten as
    /// `1e-3` on logarithmic axes and for very large or small numbers.
    func label(_ value: Double) -> String {
        switch scale {
        case .logarithmic:
            let exponent = Int(log10(value).rounded())
            return (-2...3).contains(exponent) ? Axis.plain(value, decimals: max(0, -exponent)) : "1e\(exponent)"
        case .linear:
            if abs(value) < step * 1e-6 { return "0" }
            if max(abs(lower), abs(upper)) >= 1e5 || step < 1e-3 { return Axis.scientific(value) }
            return Axis.plain(value, decimals: max(0, Int(-log10(step).rounded(.down))))
        }
    }

    static func plain(_ value: Double, decimals: Int) -> String { String(format: "%.\(decimals)f", value) }

    static func scientific(_ value: Double) -> String {
        let exponent = Int(log10(abs(value)).rounded(.down))
        let mantissa = value / pow(10, Double(exponent))
        let text = abs(mantissa - mantissa.rounded()) < 1e-6 ? String(Int(mantissa.rounded())) : String(format: "%.1f", mantissa)
        return "\(text)e\(exponent)"
    }
}
