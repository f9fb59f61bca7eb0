"""Writes Tests/NeuriteTests/Fixtures/python-dtypes.safetensors with Python's `safetensors`:
one tensor per dtype Neurite reads, plus metadata as PyTorch and others write it. The values
are exactly representable, so the Swift test compares them with ==.

    /work/pyenv/bin/python Tests/Fixtures/make_safetensors_dtypes.py
"""
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file

tensors = {
    "f16": torch.tensor([1.5, -2.25, 65504.0, 2.0 ** -24], dtype=torch.float16),
    "bf16": torch.tensor([1.0, -3.0, 2.0 ** 100], dtype=torch.bfloat16),
    "f64": torch.tensor([[0.5, -2.5], [1e-3, 4.0]], dtype=torch.float64),
    "f32": torch.tensor([3.25], dtype=torch.float32),
    "i64": torch.tensor([0, 9, -3, 2 ** 40], dtype=torch.int64),
    "i32": torch.tensor([7, -7], dtype=torch.int32),
    "u8": torch.tensor([0, 255, 128], dtype=torch.uint8),
    "scalar": torch.tensor(2.0, dtype=torch.float32),
}
metadata = {"format": "pt", "neurite.note": "made by make_safetensors_dtypes.py", "empty": ""}
out = Path(__file__).resolve().parent.parent / "NeuriteTests" / "Fixtures" / "python-dtypes.safetensors"
save_file(tensors, str(out), metadata=metadata)
print(out, out.stat().st_size, "bytes")
