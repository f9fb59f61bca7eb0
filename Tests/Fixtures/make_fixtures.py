#!/usr/bin/env python3
"""Reference values for Neurite's convolution, pooling and batch-norm tests.

An independent implementation in plain NumPy with explicit loops (no im2col, no library
convolution), NCHW layout, written straight from the definitions:

    conv:     y[n,o,i,j] = b[o] + sum_{c,p,q} w[o,c,p,q] * x_pad[n,c, i*s + p*d, j*s + q*d]
    maxpool:  y[n,c,i,j] = max of the window (padding never wins)
    avgpool:  y[n,c,i,j] = sum of the window / (k*k)   (padding counts as zeros)
    batchnorm (training): per channel, biased variance over n*h*w values

Run from the repository root:  python3 Tests/Fixtures/make_fixtures.py
It writes Tests/NeuriteTests/Fixtures/convolution.json, which the Swift tests load.
"""
import json
import os

import numpy as np


def conv2d(x, w, b, stride, pad_h, pad_w, dilation):
    n, c, h, wd = x.shape
    o, c2, kh, kw = w.shape
    assert c == c2
    xp = np.zeros((n, c, h + 2 * pad_h, wd + 2 * pad_w), dtype=np.float64)
    xp[:, :, pad_h:pad_h + h, pad_w:pad_w + wd] = x
    oh = (h + 2 * pad_h - dilation * (kh - 1) - 1) // stride + 1
    ow = (wd + 2 * pad_w - dilation * (kw - 1) - 1) // stride + 1
    y = np.zeros((n, o, oh, ow), dtype=np.float64)
    for s in range(n):
        for oc in range(o):
            for i in range(oh):
                for j in range(ow):
                    total = b[oc] if b is not None else 0.0
                    for ch in range(c):
                        for p in range(kh):
                            for q in range(kw):
                                total += w[oc, ch, p, q] * xp[s, ch, i * stride + p * dilation, j * stride + q * dilation]
                    y[s, oc, i, j] = total
    return y


def pool2d(x, k, stride, pad, kind):
    n, c, h, w = x.shape
    oh = (h + 2 * pad - k) // stride + 1
    ow = (w + 2 * pad - k) // stride + 1
    y = np.zeros((n, c, oh, ow), dtype=np.float64)
    for s in range(n):
        for ch in range(c):
            for i in range(oh):
                for j in range(ow):
                    values = []
                    for p in range(k):
                        for q in range(k):
                            r, col = i * stride + p - pad, j * stride + q - pad
                            if 0 <= r < h and 0 <= col < w:
                                values.append(x[s, ch, r, col])
                    y[s, ch, i, j] = max(values) if kind == "max" else sum(values) / (k * k)
    return y


def batchnorm_train(x, gamma, beta, eps):
    axes = (0,) if x.ndim == 2 else (0, 2, 3)
    shape = (1, -1) if x.ndim == 2 else (1, -1, 1, 1)
    mean = x.mean(axis=axes)
    var = ((x - mean.reshape(shape)) ** 2).mean(axis=axes)
    return gamma.reshape(shape) * (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps) + beta.reshape(shape)


def flat(a):
    return [float(v) for v in np.asarray(a, dtype=np.float32).ravel()]


def main():
    rng = np.random.default_rng(2024)
    conv_cases = []
    for name, (n, c, h, w, o, k, stride, pad_h, pad_w, dilation, bias) in {
        "basic 1→2 3×3": (2, 1, 6, 5, 2, 3, 1, 0, 0, 1, True),
        "padded 3→4 3×3": (2, 3, 5, 6, 4, 3, 1, 1, 1, 1, True),
        "stride 2 padding 2 2→3 5×5": (1, 2, 9, 8, 3, 5, 2, 2, 2, 1, True),
        "dilation 2 2→2 3×3": (2, 2, 8, 7, 2, 3, 1, 1, 2, 2, False),
        "stride 3 dilation 2 asymmetric padding": (1, 2, 10, 11, 3, 3, 3, 2, 1, 2, True),
    }.items():
        x = rng.standard_normal((n, c, h, w)).astype(np.float32)
        weight = rng.standard_normal((o, c, k, k)).astype(np.float32)
        b = rng.standard_normal(o).astype(np.float32) if bias else None
        y = conv2d(x.astype(np.float64), weight.astype(np.float64), None if b is None else b.astype(np.float64),
                   stride, pad_h, pad_w, dilation)
        conv_cases.append({
            "name": name, "inputShape": list(x.shape), "input": flat(x),
            "weightShape": list(weight.shape), "weight": flat(weight), "bias": None if b is None else flat(b),
            "stride": stride, "padding": [pad_h, pad_w], "dilation": dilation,
            "outputShape": list(y.shape), "output": flat(y),
        })

    pool_cases = []
    for kind, k, stride, pad, shape in [
        ("max", 2, 2, 0, (2, 3, 6, 6)),
        ("max", 3, 2, 1, (1, 2, 7, 6)),
        ("average", 2, 2, 0, (2, 3, 6, 6)),
        ("average", 3, 2, 1, (1, 2, 7, 6)),
    ]:
        x = rng.standard_normal(shape).astype(np.float32)
        y = pool2d(x.astype(np.float64), k, stride, pad, "max" if kind == "max" else "average")
        pool_cases.append({
            "kind": kind, "kernel": k, "stride": stride, "padding": pad, "inputShape": list(shape), "input": flat(x),
            "outputShape": list(y.shape), "output": flat(y),
        })

    norm_cases = []
    for shape in [(6, 4), (3, 2, 3, 4)]:
        x = (rng.standard_normal(shape) * 2 + 1).astype(np.float32)
        gamma = rng.uniform(0.5, 1.5, shape[1]).astype(np.float32)
        beta = rng.standard_normal(shape[1]).astype(np.float32)
        y = batchnorm_train(x.astype(np.float64), gamma.astype(np.float64), beta.astype(np.float64), 1e-5)
        norm_cases.append({
            "inputShape": list(shape), "input": flat(x), "gamma": flat(gamma), "beta": flat(beta), "epsilon": 1e-5,
            "output": flat(y),
        })

    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "NeuriteTests", "Fixtures", "convolution.json")
    with open(target, "w") as f:
        json.dump({"convolutions": conv_cases, "poolings": pool_cases, "batchNorms": norm_cases}, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.normpath(target)}")


if __name__ == "__main__":
    main()
