import Foundation

/// What the reflection walker reports: a parameter, or a layer's training/evaluation switch.
enum LayerState {
    case parameter(ParameterReference)
    case modeSwitch(LayerModeSwitch)
    case randomSource(RandomSource)
    /// A layer that is a class: what it holds can change without its container knowing, so the
    /// walk through it must not be cached. Not state; the walk's users skip it.
    case mutableObject
}

/// Walks stored properties by reflection, reporting every ``ParameterReference`` and
/// ``LayerModeSwitch`` with its path.
/// It only descends into layers, collections and optionals, never into tensors' own storage.
func collectState(of value: Any, prefix: String, _ report: (String, LayerState) -> Void) {
    if let sequential = value as? Sequential {
        let (entries, cacheable) = sequential.stateCache.entries(of: sequential)
        for (path, state) in entries {
            report(path.isEmpty ? prefix : (prefix.isEmpty ? path : prefix + "." + path), state)
        }
        if !cacheable { report(prefix, .mutableObject) }  // nor may a walk that contains this one
        return
    }
    collectMembers(of: value, prefix: prefix, report)
}

/// ``collectState(of:prefix:_:)`` without the cache: the walk itself.
private func collectMembers(of value: Any, prefix: String, _ report: (String, LayerState) -> Void) {
    let mirror = Mirror(reflecting: value)
    if mirror.displayStyle == .class { report(prefix, .mutableObject) }
    if mirror.displayStyle == .dictionary {
        // Sorted by key: a dictionary's own order changes from run to run.
        let entries = mirror.children.compactMap { entry -> (key: String, value: Any)? in
            let pair = Mirror(reflecting: entry.value).children.map(\.value)
            return pair.count == 2 ? ("\(pair[0])", pair[1]) : nil
        }
        for entry in entries.sorted(by: { $0.key < $1.key }) {
            visit(entry.value, path: prefix.isEmpty ? entry.key : prefix + "." + entry.key, report)
        }
        return
    }
    for (position, child) in mirror.children.enumerated() {
        var label = child.label ?? String(position)
        if label.hasPrefix("_") { label.removeFirst() }  // property wrappers store `_name`
        if mirror.displayStyle == .optional { label = "" }
        visit(child.value, path: label.isEmpty ? prefix : (prefix.isEmpty ? label : prefix + "." + label), report)
    }
}

/// Reports `value` if it is state, or walks into it if it may hold some.
private func visit(_ value: Any, path: String, _ report: (String, LayerState) -> Void) {
    switch value {
    case let parameter as Parameter:
        report(path, .parameter(parameter.reference))
    case let reference as ParameterReference:
        report(path, .parameter(reference))
    case let modeSwitch as LayerModeSwitch:
        report(path, .modeSwitch(modeSwitch))
    case let source as RandomSource:
        report(path, .randomSource(source))
    case is Tensor:
        return
    case let layer as any Layer:
        collectState(of: layer, prefix: path, report)
    default:
        if mightHoldState(value) { collectState(of: value, prefix: path, report) }
    }
}

/// Optionals and tuples are looked into; a collection or dictionary only when its first element is
/// state or a layer, so that a large array of numbers stored in a layer is not walked element by
/// element.
private func mightHoldState(_ value: Any) -> Bool {
    let mirror = Mirror(reflecting: value)
    switch mirror.displayStyle {
    case .optional, .tuple:
        return true
    case .collection:
        guard let first = mirror.children.first?.value else { return false }
        return first is Parameter || first is ParameterReference || first is any Layer || mightHoldState(first)
    case .dictionary:
        guard let first = mirror.children.first?.value, let value = Mirror(reflecting: first).children.dropFirst().first?.value else {
            return false
        }
        return value is Parameter || value is ParameterReference || value is any Layer || mightHoldState(value)
    default:
        return false
    }
}

/// What the walk found under one ``Sequential``, kept until its layers change.
///
/// WHY: every `trainEpoch` call walks the model by reflection to list the parameters it
/// differentiates, and Mirror's dynamic casts are slow: 28 µs for the 784-128-10 MLP when the
/// runtime's metadata is in cache, and about 140 µs right after a training pass, whose weights
/// have evicted it. For a pass of 32 batch-64 steps (as `neurite bench` runs them, about 5 ms)
/// that was 3% of the pass.
///
/// WHY it cannot go stale: a Sequential reaches its layers only through `layers`, whose `didSet`
/// gives the model a new, empty cache (copies of the model made before keep theirs, which still
/// describes them); ``Layer/copy()`` gives the copy a new one too. Layers that are structs change
/// only through that property. A layer that is a class can change what it holds on its own, so a
/// walk that meets one is not kept.
final class LayerStateCache: @unchecked Sendable {
    // NSLock: a model may be walked from several threads; every access goes through the lock.
    private let lock = NSLock()
    private var kept: [(path: String, state: LayerState)]?

    /// The states under `sequential` (whose cache this is), with paths relative to it, and
    /// whether they could be kept.
    func entries(of sequential: Sequential) -> (entries: [(path: String, state: LayerState)], cacheable: Bool) {
        if let kept = lock.withLock({ kept }) { return (kept, true) }
        var found: [(path: String, state: LayerState)] = [], cacheable = true
        collectMembers(of: sequential, prefix: "") { path, state in
            if case .mutableObject = state { cacheable = false } else { found.append((path, state)) }
        }
        if cacheable { lock.withLock { kept = found } }
        return (found, cacheable)
    }
}
