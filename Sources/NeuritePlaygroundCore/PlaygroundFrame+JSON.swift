import Foundation

/// The frame written as JSON by hand.
///
/// A frame is mostly long arrays of numbers (1,600 region values, 400 per hidden unit, 784 per
/// MNIST unit). Foundation's `JSONEncoder` spends most of a frame's time on dynamic casts and
/// reference counting for each `Double?` (about 80% of the server's time in a profile), which
/// capped one process at about one session at 10 frames/s. Appending to one string does the
/// same work in a few percent of the time; the output is the same JSON document.
extension PlaygroundFrame {
    /// The `frame` message as one JSON object.
    public var json: String {
        var out = JSONText()
        out.begin("frame")
        out.field("step", step)
        out.field("epoch", epoch)
        out.field("playing", playing)
        // Written even when nil: `null` is how the page learns that the loss diverged.
        out.field("trainLoss", trainLoss)
        out.field("testLoss", testLoss)
        if let trainAccuracy { out.field("trainAccuracy", trainAccuracy) }
        if let testAccuracy { out.field("testAccuracy", testAccuracy) }
        out.key("gradientNorms")
        out.list(gradientNorms) { out, norm in
            out.text += "{\"layer\":"
            out.string(norm.layer)
            out.text += ",\"weight\":"
            out.number(norm.weight)
            out.text += ",\"bias\":"
            out.number(norm.bias)
            out.text += "}"
        }
        if let weights {
            out.key("weights")
            out.list(weights) { out, layer in out.list(layer) { out, row in out.numbers(row) } }
        }
        if let regions {
            out.key("regions")
            out.text += "{\"size\":\(regions.size),\"values\":"
            out.numbers(regions.values)
            out.text += "}"
        }
        if let units {
            out.key("units")
            out.list(units) { out, layer in out.list(layer) { out, grid in out.numbers(grid.values) } }
        }
        if let curve {
            out.key("curve")
            out.text += "{\"x\":"
            out.numbers(curve.x)
            out.text += ",\"predicted\":"
            out.numbers(curve.predicted)
            out.text += ",\"true\":"
            out.numbers(curve.true)
            out.text += ",\"trainRange\":"
            out.numbers(curve.trainRange)
            out.text += "}"
        }
        if let mnist {
            out.key("mnist")
            out.text += "{\"firstLayer\":"
            out.list(mnist.firstLayer) { out, unit in out.numbers(unit) }
            out.text += ",\"confusion\":"
            out.list(mnist.confusion) { out, row in
                out.text += "[" + row.map(String.init).joined(separator: ",") + "]"
            }
            out.text += "}"
        }
        out.text += "}"
        return out.text
    }
}

/// A JSON object under construction: keys, numbers (non-finite and nil as `null`), strings
/// escaped as JSON requires.
private struct JSONText {
    var text = ""

    mutating func begin(_ type: String) {
        text.reserveCapacity(16_384)
        text += "{\"type\":"
        string(type)
    }

    mutating func key(_ name: String) {
        text += ",\""
        text += name
        text += "\":"
    }

    mutating func field(_ name: String, _ value: Int) { key(name); text += String(value) }
    mutating func field(_ name: String, _ value: Bool) { key(name); text += value ? "true" : "false" }
    mutating func field(_ name: String, _ value: Double?) { key(name); number(value) }

    mutating func number(_ value: Double?) {
        guard let value, value.isFinite else { text += "null"; return }
        // Swift's shortest round-trip form ("0.1234", "1e-05", "3.0") is valid JSON.
        text += value.description
    }

    mutating func numbers(_ values: [Double?]) {
        text += "["
        for (index, value) in values.enumerated() {
            if index > 0 { text += "," }
            number(value)
        }
        text += "]"
    }

    mutating func list<Element>(_ elements: [Element], _ write: (inout JSONText, Element) -> Void) {
        text += "["
        for (index, element) in elements.enumerated() {
            if index > 0 { text += "," }
            write(&self, element)
        }
        text += "]"
    }

    mutating func string(_ value: String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case _ where scalar.value < 0x20: text += String(format: "\\u%04x", scalar.value)
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
