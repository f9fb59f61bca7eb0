"""Reference values of the losses for Neurite's tests, computed by PyTorch.

Writes Tests/NeuriteTests/Fixtures/losses.json: for each case, the inputs, the loss value and its
gradient with respect to the outputs (logits or predictions), from torch.nn.functional.
Run with /work/pyenv/bin/python scripts/make_loss_fixtures.py (torch 2.x, CPU).
"""
import json
import pathlib

import torch
import torch.nn.functional as F

torch.manual_seed(7)
cases = []


def record(name, outputs, targets, value_of, extra=None):
    outputs = outputs.clone().double().requires_grad_(True)
    value = value_of(outputs)
    value.backward()
    case = {
        "name": name,
        "outputShape": list(outputs.shape),
        "outputs": outputs.detach().flatten().tolist(),
        "targetShape": list(targets.shape),
        "targets": targets.double().flatten().tolist(),
        "value": value.item(),
        "gradient": outputs.grad.flatten().tolist(),
    }
    case.update(extra or {})
    cases.append(case)


logits = torch.randn(4, 5) * 2
labels = torch.tensor([0, 3, 4, 1])
for smoothing in [0.0, 0.1, 0.25]:
    record(f"crossEntropy smoothing {smoothing}", logits, labels.float(),
           lambda z: F.cross_entropy(z, labels, label_smoothing=smoothing), {"labelSmoothing": smoothing})

binary_logits = torch.randn(4, 3) * 3
binary_targets = (torch.rand(4, 3) > 0.5).float()
record("binaryCrossEntropy", binary_logits, binary_targets,
       lambda z: F.binary_cross_entropy_with_logits(z, binary_targets.double()))
weights = torch.tensor([2.0, 0.5, 3.0])
record("binaryCrossEntropy positiveWeight", binary_logits, binary_targets,
       lambda z: F.binary_cross_entropy_with_logits(z, binary_targets.double(), pos_weight=weights.double()),
       {"positiveWeight": weights.tolist()})

predictions = torch.randn(6, 2) * 2
regression_targets = torch.randn(6, 2) * 2
record("meanSquaredError", predictions, regression_targets, lambda p: F.mse_loss(p, regression_targets.double()))
record("meanAbsoluteError", predictions, regression_targets, lambda p: F.l1_loss(p, regression_targets.double()))
for delta in [1.0, 0.5, 2.5]:
    record(f"huber delta {delta}", predictions, regression_targets,
           lambda p: F.huber_loss(p, regression_targets.double(), delta=delta), {"delta": delta})

path = pathlib.Path(__file__).resolve().parent.parent / "Tests/NeuriteTests/Fixtures/losses.json"
path.write_text(json.dumps({"torch": torch.__version__, "cases": cases}, indent=1) + "\n")
print(f"wrote {len(cases)} cases to {path}")
