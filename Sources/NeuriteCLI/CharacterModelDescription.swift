import Neurite

/// How the commands that read character models (`train text`, `evaluate`, `summary`) name one.
extension CharacterLanguageModel {
    /// The layers in architecture words, "lstm(128) dense(27)": what `summary` builds to list them.
    var layerWords: String { "\(cell.rawValue)(\(recurrent.hiddenSize)) dense(\(vocabulary.count))" }

    /// "lstm(128) over one-hot characters, dense(27)": the input is not a layer of its own.
    var headline: String { "\(cell.rawValue)(\(recurrent.hiddenSize)) over one-hot characters, dense(\(vocabulary.count))" }
}
