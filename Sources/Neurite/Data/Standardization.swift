/// Per-feature standardization, x′ = (x − μ) / σ, with μ and σ learned on the training split.
///
/// Features on different scales (an age in years next to an income in dollars) make one
/// learning rate too large for some weights and too small for others; centring each feature and
/// scaling it to unit variance puts them on one footing. μ and σ come from the training rows
/// only, so no information about the validation rows leaks into training, and the same μ and σ
/// must be applied at prediction time: they are saved with the model (``namedTensors``).
public struct Standardization: Sendable, Equatable {
    /// μ, one per feature, `[features]`.
    public let mean: Tensor
    /// σ, one per feature, `[features]`; 1 for a feature that is constant in the training rows
    /// (it carries no information, and dividing by 0 would make it NaN).
    public let standardDeviation: Tensor

    /// The mean and population standard deviation of each column of `inputs` `[rows, features]`,
    /// summed in `Double` so that long columns of large values keep their precision.
    /// - Throws: ``TensorError/invalidShape(_:reason:)`` unless `inputs` is a matrix with a row.
    public init(fitting inputs: Tensor) throws {
        guard inputs.rank == 2, inputs.shape[0] > 0 else {
            throw TensorError.invalidShape(inputs.shape, reason: "standardization needs [rows, features] with at least one row")
        }
        let (rows, features) = (inputs.shape[0], inputs.shape[1])
        let values = inputs.scalars
        var means: [Float] = [], deviations: [Float] = []
        for feature in 0..<features {
            let column = (0..<rows).map { Double(values[$0 * features + feature]) }
            let mean = column.reduce(0, +) / Double(rows)
            let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(rows)
            let isConstant = column.allSatisfy { $0 == column[0] }
            means.append(Float(mean))
            deviations.append(isConstant || variance == 0 ? 1 : Float(variance.squareRoot()))
        }
        mean = Tensor(means)
        standardDeviation = Tensor(deviations)
    }

    /// A standardization with the given μ and σ (e.g. read back from a model file).
    /// - Throws: ``TensorError/invalidArgument(_:)`` unless both are vectors of one length, μ
    ///   finite and σ positive and finite.
    public init(mean: Tensor, standardDeviation: Tensor) throws {
        guard mean.rank == 1, standardDeviation.shape == mean.shape, mean.isFinite,
              standardDeviation.scalars.allSatisfy({ $0 > 0 && $0.isFinite })
        else { throw TensorError.invalidArgument("standardization needs finite means and positive deviations of one length") }
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// The number of features.
    public var featureCount: Int { mean.count }

    /// `inputs` `[rows, features]` standardized feature by feature.
    /// - Throws: ``TensorError/invalidShape(_:reason:)`` when the feature count differs.
    public func apply(to inputs: Tensor) throws -> Tensor {
        guard inputs.rank == 2, inputs.shape[1] == featureCount else {
            throw TensorError.invalidShape(inputs.shape, reason: "standardization of \(featureCount) features")
        }
        let (means, deviations) = (mean.scalars, standardDeviation.scalars)
        var values = inputs.scalars
        for index in values.indices {
            let feature = index % featureCount
            values[index] = (values[index] - means[feature]) / deviations[feature]
        }
        return try Tensor(shape: inputs.shape, scalars: values)
    }

    /// μ and σ under the names a model file stores them by.
    public var namedTensors: [(name: String, tensor: Tensor)] {
        [(Self.meanName, mean), (Self.standardDeviationName, standardDeviation)]
    }

    /// The standardization stored among `tensors` (a model file's), or `nil` when it holds none.
    /// - Throws: ``TensorError/invalidArgument(_:)`` when only one of μ and σ is there, or they
    ///   are not valid.
    public init?(namedTensors tensors: [String: Tensor]) throws {
        switch (tensors[Self.meanName], tensors[Self.standardDeviationName]) {
        case (nil, nil): return nil
        case let (mean?, deviation?): try self.init(mean: mean, standardDeviation: deviation)
        default: throw TensorError.invalidArgument("a model file holds only one of \(Self.meanName) and \(Self.standardDeviationName)")
        }
    }

    static let meanName = "standardization.mean"
    static let standardDeviationName = "standardization.standard-deviation"
}
