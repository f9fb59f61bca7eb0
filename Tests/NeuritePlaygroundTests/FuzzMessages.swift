import Neurite

/// Random and malformed messages for the fuzz tests, drawn from a seed: random text, valid
/// messages with characters deleted, inserted or replaced, and well-formed messages whose fields
/// take values of every type and size (kept to small networks and step counts, so that the
/// messages that do pass train quickly).
struct FuzzMessages: Sequence, IteratorProtocol {
    private var generator: RandomGenerator
    private var remaining: Int

    init(count: Int, seed: UInt64) {
        generator = RandomGenerator(seed: seed)
        remaining = count
    }

    static let templates = [
        #"{"type":"configure","config":{"dataset":"spiral","hidden":[4,4],"activation":"relu","samples":100}}"#,
        #"{"type":"configure","config":{"dataset":"function","function":"abs","range":[-2,2],"samples":50}}"#,
        #"{"type":"step","steps":2}"#, #"{"type":"play"}"#, #"{"type":"pause"}"#, #"{"type":"reset"}"#,
    ]
    static let fields = [
        "dataset", "function", "range", "noise", "trainFraction", "samples", "features", "hidden", "activation",
        "head", "initializer", "optimizer", "learningRate", "batchSize", "clipping", "seed", "steps", "type", "config",
    ]
    static let values = [
        "null", "true", "0", "-1", "1", "2", "0.5", "1e308", "-1e-308", "99999999999999999999", "\"\"", "\"x\"",
        "\"spiral\"", "\"xor\"", "\"mnist\"", "\"function\"", "\"relu\"", "\"softmax\"", "\"adam\"", "\"small-random\"",
        "[]", "[1]", "[4,2]", "[33]", "[-3,3]", "[\"x\",\"xy\"]", "{}", "{\"mode\":\"norm\",\"limit\":1}",
        "{\"mode\":\"value\"}", "[[[]]]", "\"\\u0000\"", "\"\\ud800\"",
    ]

    mutating func next() -> String? {
        guard remaining > 0 else { return nil }
        remaining -= 1
        switch generator.next() % 4 {
        case 0: return randomText()
        case 1: return mutated(pick(Self.templates))
        case 2: return randomObject(depth: 0)
        default:
            // A message of a known type with random fields; mnist only with few samples.
            let type = pick(["configure", "step", "play", "pause", "reset", "configure"])
            var body = randomFields(count: Int(generator.next() % 5))
            if body.contains("\"mnist\"") { body += ",\"samples\":100,\"hidden\":[4]" }
            return type == "configure"
                ? "{\"type\":\"configure\",\"config\":{\(body.drop { $0 == "," })}}"
                : "{\"type\":\"\(type)\"\(body)}"
        }
    }

    private mutating func pick<T>(_ options: [T]) -> T { options[Int(generator.next() % UInt64(options.count))] }

    private mutating func randomText() -> String {
        let length = Int(generator.next() % 80)
        return String(String.UnicodeScalarView((0..<length).compactMap { _ in
            Unicode.Scalar(UInt32(generator.next() % (generator.next() % 2 == 0 ? 128 : 0x3000)))
        }))
    }

    private mutating func mutated(_ text: String) -> String {
        var characters = Array(text)
        for _ in 0..<(1 + Int(generator.next() % 4)) where !characters.isEmpty {
            let index = Int(generator.next() % UInt64(characters.count))
            switch generator.next() % 3 {
            case 0: characters.remove(at: index)
            case 1: characters.insert(pick(Array("{}[]\",:0-9.e x")), at: index)
            default: characters[index] = pick(Array("{}[]\",:1-e nul"))
            }
        }
        return String(characters)
    }

    private mutating func randomFields(count: Int) -> String {
        (0..<count).map { _ in ",\"\(pick(Self.fields))\":\(pick(Self.values))" }.joined()
    }

    private mutating func randomObject(depth: Int) -> String {
        guard depth < 3, generator.next() % 3 != 0 else { return pick(Self.values) }
        let members = (0..<Int(generator.next() % 4)).map { _ in "\"\(pick(Self.fields))\":\(randomObject(depth: depth + 1))" }
        return generator.next() % 4 == 0 ? "[\(members.count)]" : "{\(members.joined(separator: ","))}"
    }
}
