extension Architecture {
    /// Builders of convolutional layers (conv, pooling, dropout, batch normalisation).
    static let convolutionalBuilders: [String: Builder] = [:]
}
