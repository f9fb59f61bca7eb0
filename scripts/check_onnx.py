"""Checks Neurite's ONNX and PyTorch exports against Neurite's own outputs (not part of swift test).

For the MNIST MLP, LeNet-5 and a small conv net with batch normalisation (the PyTorch-trained
fixtures of Tests/NeuriteTests/Fixtures/torch, imported with `neurite import-torch`), and two nets
using every other exported operator (trained for one epoch by `neurite train` on 1,000 images):
  1. `neurite export-onnx`, then onnx.checker.check_model (full check) and onnxruntime on the 100
     MNIST test images of the fixtures, compared with `neurite predict` on the same images;
  2. `neurite export-torch`, then the printed nn.Sequential is run with the written state_dict
     loaded by `model.load_state_dict(load_file(...))`, compared the same way;
  3. `neurite import-onnx` of the exported file, whose model must predict what the original did.
Then the ONNX files PyTorch's exporter wrote (Tests/NeuriteTests/Fixtures/onnx, and the seeds of
the fuzz target FuzzONNX) are imported with `neurite import-onnx` and run by `neurite predict` on
random inputs, compared with onnxruntime on the same inputs.
Every comparison must be within 1e-4 (max |difference| of logits).

    swift build && /work/pyenv/bin/python scripts/check_onnx.py [path/to/neurite]
"""
import gzip
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import torch
from safetensors.numpy import load_file as load_numpy
from safetensors.numpy import save_file as save_numpy
from safetensors.torch import load_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Tests/NeuriteTests/Fixtures/torch"
PYTORCH_ONNX = [*sorted((ROOT / "Tests/NeuriteTests/Fixtures/onnx").glob("*.onnx")), *sorted((ROOT / "Fuzz/Seeds/FuzzONNX").glob("*.onnx"))]
MODELS = {
    "mlp": "dense(128, relu) dense(10)",
    "lenet": "lenet",
    "batchnorm": "reshape(1,28,28) conv(4,3) batchnorm relu maxpool(2) flatten dense(32) batchnorm relu dense(10)",
}
# Asymmetric `same` padding, average pooling with padding, sigmoid, tanh, global pooling, dropout,
# with logits as outputs (where a wrong operator shows), and softmax on its own.
TRAINED = {
    "coverage": "reshape(1,28,28) conv(4,3,padding:same,stride:2) tanh batchnorm avgpool(2,padding:1) conv(6,3) sigmoid "
                "maxpool(3,2,padding:1) dropout(0.3) globalavgpool dense(16,tanh) batchnorm dense(10)",
    "softmax": "dense(64, sigmoid) dense(10, softmax)",
}
TOLERANCE = 1e-4


def neurite(*arguments):
    binary = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / ".build/debug/neurite")
    return subprocess.run([binary, *arguments], check=True, capture_output=True, text=True).stdout


def small_mnist(directory):
    """The first 1,000 training and 100 test images of the repository's MNIST, as raw IDX files."""
    source = ROOT / "Sources/Neurite/Resources/MNIST"
    directory.mkdir()
    for name, count in [("train-images-idx3-ubyte", 1000), ("train-labels-idx1-ubyte", 1000),
                        ("t10k-images-idx3-ubyte", 100), ("t10k-labels-idx1-ubyte", 100)]:
        with gzip.open(source / (name + ".gz"), "rb") as file:
            data = file.read()
        rank = data[3]
        dimensions = list(struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank]))
        item = int(np.prod(dimensions[1:])) if rank > 1 else 1
        dimensions[0] = count
        header = data[:4] + struct.pack(">" + "I" * rank, *dimensions)
        (directory / name).write_bytes(header + data[4 + 4 * rank:4 + 4 * rank + count * item])


def check_imports(work):
    """Imports each ONNX file PyTorch wrote and compares `neurite predict` with onnxruntime."""
    failures = 0
    generator = np.random.default_rng(7)
    for path in PYTORCH_ONNX:
        session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        graph_input = session.get_inputs()[0]
        inputs = generator.standard_normal((20, *graph_input.shape[1:])).astype(np.float32)
        save_numpy({"images": inputs}, str(work / "inputs.safetensors"))
        printed = neurite("import-onnx", str(path), "--output", str(work / "imported.safetensors"))
        neurite("predict", str(work / "imported.safetensors"), str(work / "inputs.safetensors"),
                "--output", str(work / "outputs.safetensors"))
        outputs = load_numpy(str(work / "outputs.safetensors"))["outputs"]
        expected = session.run(None, {graph_input.name: inputs})[0]
        difference = float(np.abs(outputs - expected).max()) if outputs.shape == expected.shape else float("inf")
        failures += difference > TOLERANCE
        print(f"{path.relative_to(ROOT)}: {printed.splitlines()[0]}")
        print(f"  max |neurite import − onnxruntime| = {difference:.2e} on {len(inputs)} random inputs: "
              f"{'ok' if difference <= TOLERANCE else 'FAILED'}")
    return failures


def main():
    torch.set_num_threads(1)
    samples = FIXTURES / "mnist-test-100.safetensors"
    images = load_numpy(str(samples))["images"]
    failures = 0
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        small_mnist(work / "mnist")
        for name, architecture in [*MODELS.items(), *TRAINED.items()]:
            model, onnx_file, torch_file = work / f"{name}.safetensors", work / f"{name}.onnx", work / f"{name}-torch.safetensors"
            if name in TRAINED:
                neurite("train", "mnist", "--data-dir", str(work / "mnist"), "--model", architecture, "--epochs", "1",
                        "--output", str(model))
            else:
                neurite("import-torch", str(FIXTURES / f"{name}.safetensors"), "--model", architecture, "--output", str(model))
            neurite("predict", str(model), str(samples), "--output", str(work / "outputs.safetensors"))
            expected = load_numpy(str(work / "outputs.safetensors"))["outputs"]

            neurite("export-onnx", str(model), str(onnx_file))
            proto = onnx.load(str(onnx_file))
            onnx.checker.check_model(proto, full_check=True)
            session = onnxruntime.InferenceSession(str(onnx_file), providers=["CPUExecutionProvider"])
            onnx_logits = session.run(["output"], {"input": images})[0]
            onnx_difference = float(np.abs(onnx_logits - expected).max())
            operators = " ".join(node.op_type for node in proto.graph.node)

            printed = neurite("export-torch", str(model), str(torch_file))
            definition = printed.split("in PyTorch:\n", 1)[1]
            scope = {}
            exec(definition, scope)  # defines `model` and loads the state_dict, as printed
            with torch.no_grad():
                torch_logits = scope["model"](torch.from_numpy(images)).numpy()
            torch_difference = float(np.abs(torch_logits - expected).max())

            neurite("import-onnx", str(onnx_file), "--output", str(work / "imported.safetensors"))
            neurite("predict", str(work / "imported.safetensors"), str(samples), "--output", str(work / "outputs.safetensors"))
            import_difference = float(np.abs(load_numpy(str(work / "outputs.safetensors"))["outputs"] - expected).max())

            passed = max(onnx_difference, torch_difference, import_difference) <= TOLERANCE
            failures += not passed
            print(f"{name}: opset {proto.opset_import[0].version}, IR {proto.ir_version}, checker ok; {operators}")
            print(f"  max |onnxruntime − neurite| = {onnx_difference:.2e}   max |export-torch in PyTorch − neurite| = "
                  f"{torch_difference:.2e}   max |import-onnx − neurite| = {import_difference:.2e}   on {len(images)} images: "
                  f"{'ok' if passed else 'FAILED'}")
        failures += check_imports(work)
    print("all within", TOLERANCE if failures == 0 else f"{failures} model(s) FAILED")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
