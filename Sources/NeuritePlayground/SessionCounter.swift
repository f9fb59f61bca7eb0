/// How many sessions are open, against the `--max-sessions` limit: a connection takes a place
/// before it gets a session and gives it back when it closes.
actor SessionCounter {
    /// The most sessions open at once.
    let maximum: Int
    /// The sessions open now.
    private(set) var open = 0

    init(maximum: Int) {
        self.maximum = maximum
    }

    /// Takes a place; false when all `maximum` are taken.
    func enter() -> Bool {
        guard open < maximum else { return false }
        open += 1
        return true
    }

    /// Gives a place back.
    func leave() {
        open -= 1
    }
}
