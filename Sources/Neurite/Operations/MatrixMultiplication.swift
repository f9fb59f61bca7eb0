/// Matrix products, the operation almost all of a network's time goes into.
///
/// Shapes follow `numpy.matmul`: `[m, k] · [k, n] → [m, n]`; a batch `[…, m, k]` times a shared
/// matrix `[k, n]` is one large product (the batch dimensions fold into the rows); two batches
/// `[b, m, k] · [b, k, n]` multiply pairwise.
///
/// Shapes that do not fit are reported as described in ``withTensorErrors(_:)``.
public func matmul(_ lhs: Tensor, _ rhs: Tensor) -> Tensor {
    Tensor.checked {
        guard lhs.rank >= 2, rhs.rank >= 2, lhs.shape[lhs.rank - 1] == rhs.shape[rhs.rank - 2] else {
            throw TensorError.shapeMismatch(operation: "matmul", lhs: lhs.shape, rhs: rhs.shape)
        }
        if rhs.rank == 2 { return sharedMatrixProduct(lhs, rhs) }
        guard lhs.rank == 3, rhs.rank == 3, lhs.shape[0] == rhs.shape[0] else {
            throw TensorError.shapeMismatch(operation: "matmul (batched)", lhs: lhs.shape, rhs: rhs.shape)
        }
        return batchedProduct(lhs, rhs)
    }
}

extension Tensor {
    /// `self · other`; see ``matmul(_:_:)``.
    public func matmul(_ other: Tensor) -> Tensor { Neurite.matmul(self, other) }
}

/// `[…, m, k] · [k, n]`. Backward: ∂A = ∂C · Bᵀ and ∂B = Aᵀ · ∂C, both as one GEMM with the
/// transpose folded into the kernel.
private func sharedMatrixProduct(_ lhs: Tensor, _ rhs: Tensor) -> Tensor {
    let k = rhs.shape[0], n = rhs.shape[1]
    let m = lhs.count / max(k, 1)
    let result = Tensor(uninitializedShape: Array(lhs.shape.dropLast()) + [n])
    Kernels.matrixMultiply(
        lhs.storage.base, transposed: false, rhs.storage.base, transposed: false,
        into: result.storage.base, rows: m, columns: n, inner: k)
    return result.recorded(from: [lhs, rhs]) { gradient, needed in
        var lhsGradient: Tensor?, rhsGradient: Tensor?
        if needed[0] {
            let product = Tensor(uninitializedShape: lhs.shape)
            Kernels.matrixMultiply(
                gradient.storage.base, transposed: false, rhs.storage.base, transposed: true,
                into: product.storage.base, rows: m, columns: k, inner: n)
            lhsGradient = product
        }
        if needed[1] {
            let product = Tensor(uninitializedShape: rhs.shape)
            Kernels.matrixMultiply(
                lhs.storage.base, transposed: true, gradient.storage.base, transposed: false,
                into: product.storage.base, rows: k, columns: n, inner: m)
            rhsGradient = product
        }
        return [lhsGradient, rhsGradient]
    }
}

/// `[b, m, k] · [b, k, n]`, one GEMM per batch entry.
private func batchedProduct(_ lhs: Tensor, _ rhs: Tensor) -> Tensor {
    let batch = lhs.shape[0], m = lhs.shape[1], k = lhs.shape[2], n = rhs.shape[2]
    let result = Tensor(uninitializedShape: [batch, m, n])
    for index in 0..<batch {
        Kernels.matrixMultiply(
            lhs.storage.base + index * m * k, transposed: false, rhs.storage.base + index * k * n, transposed: false,
            into: result.storage.base + index * m * n, rows: m, columns: n, inner: k)
    }
    return result.recorded(from: [lhs, rhs]) { gradient, needed in
        let lhsGradient = needed[0] ? Tensor(uninitializedShape: lhs.shape) : nil
        let rhsGradient = needed[1] ? Tensor(uninitializedShape: rhs.shape) : nil
        for index in 0..<batch {
            let g = gradient.storage.base + index * m * n
            if let lhsGradient {
                Kernels.matrixMultiply(
                    g, transposed: false, rhs.storage.base + index * k * n, transposed: true,
                    into: lhsGradient.storage.base + index * m * k, rows: m, columns: k, inner: n)
            }
            if let rhsGradient {
                Kernels.matrixMultiply(
                    lhs.storage.base + index * m * k, transposed: true, g, transposed: false,
                    into: rhsGradient.storage.base + index * k * n, rows: k, columns: n, inner: m)
            }
        }
        return [lhsGradient, rhsGradient]
    }
}
