"""Writes Examples/tables.csv and Examples/tables-new.csv: a synthetic table for the README's
`neurite train csv` and `neurite predict` commands, one file with a target column for each task.

Features x1..x4 are standard normal. Targets (with a little noise):
  y         signed regression     sin(x1) + 0.5 x2 x3
  amount    non-negative          x1^2 + |x4|
  positive  binary                x1 + x2 - x3 > 0
  class     multiclass (3)        which of x1, x2, x3 is largest
  tag_a..c  multi-label           x1 > 0, x2 > 0.5, x3 + x4 > 0
Run: /work/pyenv/bin/python scripts/make_table_example.py
"""
import csv
import pathlib

import numpy as np

root = pathlib.Path(__file__).resolve().parent.parent / "Examples"
rng = np.random.default_rng(7)


def rows(count, with_ids):
    x = rng.standard_normal((count, 4))
    noise = 0.05 * rng.standard_normal((count, 2))
    y = np.sin(x[:, 0]) + 0.5 * x[:, 1] * x[:, 2] + noise[:, 0]
    amount = x[:, 0] ** 2 + np.abs(x[:, 3]) + np.abs(noise[:, 1])
    positive = (x[:, 0] + x[:, 1] - x[:, 2] > 0).astype(int)
    label = np.argmax(x[:, :3], axis=1)
    tags = np.stack([x[:, 0] > 0, x[:, 1] > 0.5, x[:, 2] + x[:, 3] > 0], axis=1).astype(int)
    for i in range(count):
        features = [f"{v:.4f}" for v in x[i]]
        if with_ids:
            yield [f"sample {i + 1}"] + features
        else:
            yield features + [f"{y[i]:.4f}", f"{amount[i]:.4f}", positive[i], label[i]] + list(tags[i])


with open(root / "tables.csv", "w", newline="") as f:
    writer = csv.writer(f, lineterminator="\n")
    writer.writerow(["x1", "x2", "x3", "x4", "y", "amount", "positive", "class", "tag_a", "tag_b", "tag_c"])
    writer.writerows(rows(1000, with_ids=False))

with open(root / "tables-new.csv", "w", newline="") as f:
    writer = csv.writer(f, lineterminator="\n")
    writer.writerow(["id", "x1", "x2", "x3", "x4"])
    writer.writerows(rows(4, with_ids=True))
