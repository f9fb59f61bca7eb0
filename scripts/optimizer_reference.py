#!/usr/bin/env python3
"""Trajectories of torch.optim's optimizers on a fixed small problem, for Neurite's optimizer tests.

The problem: one parameter w of six elements and the loss ½·Σ aᵢ(wᵢ − cᵢ)², so the gradient is
g = a·(w − c), recomputed from the current w at every step. Each case runs five steps of one
torch.optim optimizer (float32, single-tensor code path: foreach=False) and records w after each.
The Swift tests (OptimizerTests) compare Neurite's optimizers with these trajectories, and with
PyTorch's update rules written out by hand in Double; the cases here and there must match.

Run from the repository root:  /work/pyenv/bin/python scripts/optimizer_reference.py
It writes Tests/NeuriteTests/Fixtures/optimizers.json.
"""
import json
import os

import torch

START = [0.3, -0.8, 1.2, -0.4, 0.9, 0.05]
SCALES = [0.5, 1.0, 2.0, 4.0, 0.25, 3.0]
CENTERS = [1.0, -1.0, 0.5, 2.0, -0.5, 0.0]
STEPS = 5

CASES = {
    "sgd": lambda p: torch.optim.SGD(p, lr=0.1),
    "sgd-momentum": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
    "sgd-nesterov": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    "sgd-weight-decay": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.05),
    "adam": lambda p: torch.optim.Adam(p, lr=0.05),
    "adam-l2": lambda p: torch.optim.Adam(p, lr=0.05, weight_decay=0.1),
    "adamw": lambda p: torch.optim.AdamW(p, lr=0.05, weight_decay=0.1),
    "rmsprop": lambda p: torch.optim.RMSprop(p, lr=0.01),
    "rmsprop-momentum": lambda p: torch.optim.RMSprop(p, lr=0.01, momentum=0.9),
    "rmsprop-centered": lambda p: torch.optim.RMSprop(p, lr=0.01, centered=True, momentum=0.5, weight_decay=0.05),
    "adagrad": lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=0.01, weight_decay=0.05, initial_accumulator_value=0.1),
}


def trajectory(make):
    w = torch.tensor(START, dtype=torch.float32, requires_grad=True)
    a = torch.tensor(SCALES, dtype=torch.float32)
    c = torch.tensor(CENTERS, dtype=torch.float32)
    optimizer = make([w])
    for group in optimizer.param_groups:
        group["foreach"] = False
    path = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        w.grad = a * (w.detach() - c)
        optimizer.step()
        path.append([float(x) for x in w.detach()])
    return path


def main():
    fixture = {
        "torch": torch.__version__,
        "start": START, "scales": SCALES, "centers": CENTERS,
        "trajectories": {name: trajectory(make) for name, make in CASES.items()},
    }
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(root, "Tests", "NeuriteTests", "Fixtures", "optimizers.json")
    # One line per step, so that a change in the fixture reads as a change of steps.
    text = json.dumps(fixture, indent=1)
    for name, path_ in fixture["trajectories"].items():
        for row in path_:
            text = text.replace(json.dumps(row, indent=1).replace("\n", "\n   "), json.dumps(row), 1)
    with open(path, "w") as file:
        file.write(text + "\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
