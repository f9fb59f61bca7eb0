"""Makes the ONNX fixtures of Neurite's import tests (Tests/NeuriteTests/Fixtures/onnx/).

Loads the PyTorch models of make_torch_fixtures.py from their state_dicts (the LeNet-5 with its
reshape, flatten and functional calls; the net with BatchNorm2d/1d and nn.Unflatten) and exports
each with torch.onnx.export as a user would: the default torch.export-based exporter (PyTorch
2.9 and later; it needs the onnxscript package), a dynamic batch dimension. `neurite
import-onnx` of each file must give the logits PyTorch gave for the 100 images of
mnist-test-100.safetensors (to 1e-4), which the import tests check.

    /work/pyenv/bin/pip install onnx onnxscript
    /work/pyenv/bin/python scripts/make_onnx_fixtures.py
"""
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper
from safetensors.torch import load_file
from torch import nn

from make_torch_fixtures import OUT as TORCH, models

OUT = TORCH.parent / "onnx"
SEEDS = Path(__file__).resolve().parent.parent / "Fuzz/Seeds/FuzzONNX"


def seeds():
    """Small files for the fuzz target FuzzONNX: a tiny net as PyTorch exports it, and a graph
    written node by node the way other exporters write theirs (MatMul + Add, Constant shapes,
    BatchNormalization, GlobalAveragePool, Identity, unpacked float_data)."""
    SEEDS.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    tiny = nn.Sequential(nn.Unflatten(1, (1, 6, 6)), nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(18, 3), nn.Sigmoid(), nn.Linear(3, 2), nn.Softmax(-1)).eval()
    torch.onnx.export(tiny, (torch.zeros(2, 36),), str(SEEDS / "torch-tiny.onnx"), dynamo=True, external_data=False,
                      dynamic_shapes=({0: torch.export.Dim("batch")},))

    def constant(name, values):
        return numpy_helper.from_array(np.asarray(values, dtype=np.float32), name)
    nodes = [
        helper.make_node("Constant", [], ["shape"], value=numpy_helper.from_array(np.array([0, 1, 2, 2], dtype=np.int64))),
        helper.make_node("Reshape", ["x", "shape"], ["image"]),
        helper.make_node("BatchNormalization", ["image", "gamma", "beta", "mean", "var"], ["normal"], epsilon=1e-3),
        helper.make_node("Tanh", ["normal"], ["t"]),
        helper.make_node("GlobalAveragePool", ["t"], ["pooled"]),
        helper.make_node("Flatten", ["pooled"], ["flat"], axis=1),
        helper.make_node("Identity", ["flat"], ["same"]),
        helper.make_node("MatMul", ["same", "w"], ["product"]),
        helper.make_node("Add", ["product", "b"], ["y"]),
    ]
    initializers = [constant("gamma", [1.5]), constant("beta", [0.25]), constant("mean", [0.5]), constant("var", [2.0]),
                    constant("w", [[1.0, -1.0, 0.5]]), helper.make_tensor("b", onnx.TensorProto.FLOAT, [3], [0.1, 0.2, 0.3])]
    graph = helper.make_graph(nodes, "handmade", [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, ["n", 4])],
                              [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, ["n", 3])], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, str(SEEDS / "handmade.onnx"))
    for path in sorted(SEEDS.glob("*.onnx")):
        print(f"seed {path.name}: {path.stat().st_size} bytes, {' '.join(node.op_type for node in onnx.load(str(path)).graph.node)}")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    images = load_file(str(TORCH / "mnist-test-100.safetensors"))
    for name in ["lenet", "batchnorm"]:
        model = models()[name]
        model.load_state_dict(load_file(str(TORCH / f"{name}.safetensors")), strict=False)
        model.eval()
        path = OUT / f"{name}.onnx"
        batch = torch.export.Dim("batch")
        torch.onnx.export(model, (images["images"][:2],), str(path), input_names=["images"], output_names=["logits"],
                          dynamic_shapes=({0: batch},), dynamo=True, external_data=False)
        with torch.no_grad():
            drift = (model(images["images"]) - images[f"{name}.logits"]).abs().max().item()
        graph = onnx.load(str(path))
        onnx.checker.check_model(graph)
        print(f"{path.name}: {path.stat().st_size} bytes, opset {graph.opset_import[0].version}, "
              f"{' '.join(node.op_type for node in graph.graph.node)}; logits as saved to {drift:.1e}")
    seeds()


if __name__ == "__main__":
    main()
