@_spi(Reflection) import Swift

extension Layer {
    /// A model with the same structure and the same numbers as this one, but weights of its own:
    /// training either afterwards leaves the other unchanged.
    ///
    /// ```swift
    /// let best = model.copy()      // a snapshot; `let best = model` would share the weights
    /// ```
    ///
    /// How: layers are structs whose parameters are shared ``ParameterReference`` objects, so
    /// copying the struct copies only the references. `copy()` copies the struct, then replaces
    /// every reference in it by a new one holding the same values, walking the same stored
    /// properties that ``namedParameters`` finds (layers, and arrays, dictionaries and optionals of
    /// them, at any depth). The replacement is written at each stored property's offset, which the
    /// Swift runtime's reflection reports (`_forEachField`); a parameter shared by two layers of
    /// the model (tied weights) stays shared between the two layers of the copy. Training/
    /// evaluation switches and dropout generators are copied too. Layers written as classes are
    /// shared, not copied.
    public func copy() -> Self {
        ModelCopier().copy(self) as! Self
    }
}

/// Deep-copies the state of a model: one new object per old one, so sharing within the model is
/// kept and sharing with the original is not.
private final class ModelCopier {
    private var copies: [ObjectIdentifier: AnyObject] = [:]

    func copy(_ value: Any) -> Any {
        switch value {
        case let parameter as Parameter:
            return Parameter(reference: copy(parameter.reference) as! ParameterReference)
        case let reference as ParameterReference:
            return copied(reference) { ParameterReference($0.value.detached, isTrainable: $0.isTrainable) }
        case let modeSwitch as LayerModeSwitch:
            return copied(modeSwitch) { LayerModeSwitch($0.mode) }
        case let random as RandomSource:
            return copied(random) { RandomSource(generator: $0.generator) }
        case is Tensor:
            return value
        case is LayerStateCache:
            return LayerStateCache()  // the original's findings name the original's parameters
        case let container as any StateContainer:
            return container.copyingState(self)
        case let layer as any Layer:
            return copyStoredProperties(layer)
        default:
            return value
        }
    }

    private func copied<Object: AnyObject>(_ object: Object, _ make: (Object) -> Object) -> Object {
        if let existing = copies[ObjectIdentifier(object)] { return existing as! Object }
        let made = make(object)
        copies[ObjectIdentifier(object)] = made
        return made
    }

    /// `layer` with each stored property replaced by its copy, written in place at the offset the
    /// runtime reports for it. Only structs: a class's fields live in its object, not in the value.
    private func copyStoredProperties<L: Layer>(_ layer: L) -> Any {
        guard !(L.self is AnyClass), Mirror(reflecting: layer).displayStyle == .struct else { return layer }
        var result = layer
        withUnsafeMutableBytes(of: &result) { bytes in
            _ = _forEachField(of: L.self, options: []) { _, offset, fieldType, _ in
                func replace<Field>(_: Field.Type) {
                    let field = (bytes.baseAddress! + offset).assumingMemoryBound(to: Field.self)
                    field.pointee = copy(field.pointee) as! Field
                }
                _openExistential(fieldType, do: replace)
                return true
            }
        }
        return result
    }
}

/// Containers a model may keep layers in, copied element by element.
private protocol StateContainer {
    func copyingState(_ copier: ModelCopier) -> Any
}

extension Array: StateContainer {
    fileprivate func copyingState(_ copier: ModelCopier) -> Any {
        if Element.self is any Numeric.Type { return self }  // numbers hold no state: skip the walk
        return map { copier.copy($0) as! Element }
    }
}

extension Dictionary: StateContainer {
    fileprivate func copyingState(_ copier: ModelCopier) -> Any { mapValues { copier.copy($0) as! Value } }
}

extension Optional: StateContainer {
    fileprivate func copyingState(_ copier: ModelCopier) -> Any { map { copier.copy($0) as! Wrapped } as Any }
}
