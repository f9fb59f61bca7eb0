#!/usr/bin/env python3
"""Reference values for Neurite's recurrent layers and embedding, computed by PyTorch.

For each of nn.RNN (tanh), nn.LSTM and nn.GRU (batch_first, one layer), a batch of three
sequences of five steps, one of them only three steps long (run as a packed sequence, so its
state stops at its end and its outputs past it are zero), starting from a random state. The
loss is a fixed random projection of the outputs, the final h and (LSTM) the final c, so every
output element's gradient matters; the fixture holds the parameters, inputs, projections,
outputs and the gradients of the loss with respect to the input, the initial state and all
four parameters, and the [batch, time] 0/1 mask of the lengths. One more case runs
Embedding -> LSTM -> Linear over padded sequences with cross-entropy over the real steps only
(ignore_index on the padding), with the gradients of all seven parameters. Computed in float64, so the reference's own rounding is negligible.

Run once from the repository root:  /work/pyenv/bin/python scripts/make_recurrent_fixtures.py
It writes Tests/NeuriteTests/Fixtures/recurrent.json, which the Swift tests load.
"""
import json
import os

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.manual_seed(14)
BATCH, STEPS, INPUT, HIDDEN = 3, 5, 4, 3
LENGTHS = [5, 3, 5]


def flat(tensor):
    return [float(v) for v in tensor.detach().reshape(-1).tolist()]


def length_mask(lengths, steps):
    """The [batch, time] mask of right-padded sequences of these lengths: True on real steps."""
    return torch.arange(steps)[None, :] < torch.tensor(lengths)[:, None]


def recurrent_case(name, module):
    module = module.double()
    x = torch.randn(BATCH, STEPS, INPUT, dtype=torch.float64, requires_grad=True)
    h0 = torch.randn(1, BATCH, HIDDEN, dtype=torch.float64, requires_grad=True)
    c0 = torch.randn(1, BATCH, HIDDEN, dtype=torch.float64, requires_grad=True)
    packed = pack_padded_sequence(x, torch.tensor(LENGTHS), batch_first=True, enforce_sorted=False)
    state = (h0, c0) if name == "lstm" else h0
    packed_output, final = module(packed, state)
    output, _ = pad_packed_sequence(packed_output, batch_first=True, total_length=STEPS)
    hn, cn = final if name == "lstm" else (final, None)
    output_projection = torch.randn_like(output)
    hidden_projection = torch.randn(BATCH, HIDDEN, dtype=torch.float64)
    cell_projection = torch.randn(BATCH, HIDDEN, dtype=torch.float64)
    loss = (output * output_projection).sum() + (hn[0] * hidden_projection).sum()
    if cn is not None:
        loss = loss + (cn[0] * cell_projection).sum()
    loss.backward()
    case = {
        "cell": name, "batch": BATCH, "steps": STEPS, "inputSize": INPUT, "hiddenSize": HIDDEN,
        "lengths": LENGTHS, "mask": flat(length_mask(LENGTHS, STEPS).double()), "input": flat(x), "initialHidden": flat(h0),
        "outputProjection": flat(output_projection), "hiddenProjection": flat(hidden_projection),
        "loss": float(loss.detach()), "output": flat(output), "finalHidden": flat(hn),
        "inputGradient": flat(x.grad), "initialHiddenGradient": flat(h0.grad),
        "parameters": {}, "parameterGradients": {},
    }
    if name == "lstm":
        case.update(initialCell=flat(c0), cellProjection=flat(cell_projection), finalCell=flat(cn),
                    initialCellGradient=flat(c0.grad))
    for key in ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]:
        parameter = getattr(module, key + "_l0")
        case["parameters"][key] = flat(parameter)
        case["parameterGradients"][key] = flat(parameter.grad)
    return case


def embedding_case():
    table = torch.nn.Embedding(6, 3).double()
    ids = torch.tensor([[1, 4, 4, 0], [5, 2, 1, 1]])
    output = table(ids)
    projection = torch.randn_like(output)
    (output * projection).sum().backward()
    return {"weight": flat(table.weight), "ids": flat(ids.double()), "idsShape": list(ids.shape),
            "projection": flat(projection), "output": flat(output), "weightGradient": flat(table.weight.grad)}


def masked_model_case():
    """Embedding -> LSTM -> Linear over padded id sequences, cross-entropy over the real steps only.

    The padded steps' ids and targets are random: the packed LSTM never reads those ids and the
    targets there are ignore_index for PyTorch, so neither may change the loss or any gradient.
    The Linear weight is stored transposed, [hidden, vocabulary], Neurite's Dense layout.
    """
    vocabulary, dimension, hidden, batch, steps, lengths = 7, 4, 3, 3, 5, [5, 2, 4]
    embedding = torch.nn.Embedding(vocabulary, dimension).double()
    lstm = torch.nn.LSTM(dimension, hidden, batch_first=True).double()
    linear = torch.nn.Linear(hidden, vocabulary).double()
    ids = torch.randint(0, vocabulary, (batch, steps))
    targets = torch.randint(0, vocabulary, (batch, steps))
    mask = length_mask(lengths, steps)
    packed = pack_padded_sequence(embedding(ids), torch.tensor(lengths), batch_first=True, enforce_sorted=False)
    packed_output, (hn, cn) = lstm(packed)
    output, _ = pad_packed_sequence(packed_output, batch_first=True, total_length=steps)
    logits = linear(output)
    loss = torch.nn.functional.cross_entropy(
        logits.reshape(-1, vocabulary), targets.masked_fill(~mask, -100).reshape(-1), ignore_index=-100)
    loss.backward()
    parameters = {"embedding.weight": embedding.weight, "decoder.weight": linear.weight, "decoder.bias": linear.bias}
    parameters.update({"recurrent." + key: getattr(lstm, key + "_l0") for key in ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]})

    def neurite_layout(name, tensor):
        return tensor.t() if name == "decoder.weight" else tensor

    return {
        "vocabulary": vocabulary, "dimension": dimension, "hiddenSize": hidden, "batch": batch, "steps": steps,
        "ids": flat(ids.double()), "targets": [int(v) for v in targets.reshape(-1).tolist()], "mask": flat(mask.double()),
        "loss": float(loss.detach()), "logits": flat(logits), "finalHidden": flat(hn), "finalCell": flat(cn),
        "parameters": {name: flat(neurite_layout(name, p)) for name, p in parameters.items()},
        "parameterGradients": {name: flat(neurite_layout(name, p.grad)) for name, p in parameters.items()},
    }


fixtures = {
    "recurrent": [
        recurrent_case("rnn", torch.nn.RNN(INPUT, HIDDEN, batch_first=True, nonlinearity="tanh")),
        recurrent_case("lstm", torch.nn.LSTM(INPUT, HIDDEN, batch_first=True)),
        recurrent_case("gru", torch.nn.GRU(INPUT, HIDDEN, batch_first=True)),
    ],
    "embedding": embedding_case(),
    "maskedModel": masked_model_case(),
    "torchVersion": torch.__version__,
}
path = os.path.join("Tests", "NeuriteTests", "Fixtures", "recurrent.json")
with open(path, "w") as file:
    json.dump(fixtures, file, indent=None, separators=(",", ":"))
    file.write("\n")
print("wrote", path)
