import Testing
@testable import NeuritePlot

@Suite("Axes, font and shapes")
struct AxisAndFontTests {
    @Test func linearTicksAreRoundNumbersCoveringTheData() {
        let axis = Axis(covering: [0.13, 0.87], scale: .linear)
        #expect(axis.lower == 0.1 && abs(axis.upper - 0.9) < 1e-12)
        #expect(axis.ticks.map(axis.label) == ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9"])
        #expect(axis.fraction(0.5)! == 0.5)
    }

    @Test func logarithmicTicksArePowersOfTen() {
        let axis = Axis(covering: [3e-12, 0.4], scale: .logarithmic)
        #expect(axis.lower == 1e-12 && axis.upper == 1)
        #expect(axis.ticks.map(axis.label) == ["1e-12", "1e-10", "1e-8", "1e-6", "1e-4", "0.01", "1"])
        #expect(axis.fraction(0) == nil && abs(axis.fraction(1e-6)! - 0.5) < 1e-12)
    }

    @Test func glyphsAreDistinctAndUnknownCharactersShowAsQuestionMarks() {
        let printable = (32..<127).map { Character(UnicodeScalar(UInt8($0))) }
        #expect(Set(printable.map { BitmapFont.columns(of: $0) }).count == printable.count)
        #expect(BitmapFont.columns(of: "€") == BitmapFont.columns(of: "?"))
        #expect(BitmapFont.width(of: "abc") == 17)
    }

    @Test func dashesAlternateAlongTheLine() {
        let pieces = dashed([Point(0, 0), Point(25, 0)], length: 5)
        #expect(pieces.map { $0.map(\.x) } == [[0, 5], [10, 15], [20, 25]])
        #expect(abs(distanceToSegment(Point(5, 3), Point(0, 0), Point(10, 0)) - 3) < 1e-12)
    }
}
