#!/usr/bin/env python3
"""PyTorch peer of `neurite bench`'s recurrent rows, run by it in the same session.

The same workload as Neurite's row: a character language model with one-hot inputs
(vocabulary 64), one recurrent layer of 128 units (rnn: tanh, lstm, gru), a linear decoder to
64 logits, batch 32 × 64 steps, cross-entropy on every step, Adam (PyTorch's defaults, fused),
clip_grad_norm_ to 5, the state carried (detached) from step to step. Timed by the rule of
Neurite's rows: calls in batches of about 10 ms, repeated for at least --seconds (three
batches at least), the best batch reported.

    python3 scripts/bench_recurrent.py --cell lstm --threads 2 --seconds 1
prints one JSON line: {"cell": ..., "tokens_per_second": ..., "torch": ..., "threads": ...}.
"""
import argparse
import json
import time

import torch

VOCABULARY, HIDDEN, STEPS, BATCH = 64, 128, 64, 32


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cell", choices=["rnn", "lstm", "gru"], required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=1.0)
    arguments = parser.parse_args()
    torch.set_num_threads(arguments.threads)
    torch.manual_seed(1)
    layer = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[arguments.cell]
    recurrent = layer(VOCABULARY, HIDDEN, batch_first=True)
    decoder = torch.nn.Linear(HIDDEN, VOCABULARY)
    parameters = list(recurrent.parameters()) + list(decoder.parameters())
    try:  # fused: PyTorch's fastest CPU Adam (2.4 and later), as in peer_bench.py
        optimizer = torch.optim.Adam(parameters, fused=True)
    except (TypeError, RuntimeError, ValueError):
        optimizer = torch.optim.Adam(parameters)
    ids = torch.randint(0, VOCABULARY, (BATCH, STEPS + 1))
    inputs = torch.nn.functional.one_hot(ids[:, :-1], VOCABULARY).float()
    targets = ids[:, 1:].reshape(-1)
    state = None

    def step():
        nonlocal state
        output, state = recurrent(inputs, state)
        state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
        loss = torch.nn.functional.cross_entropy(decoder(output).reshape(-1, VOCABULARY), targets)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(parameters, 5.0)
        optimizer.step()

    step()  # warm-up
    started = time.perf_counter()
    step()
    calls_per_batch = max(1, int(0.01 / max(time.perf_counter() - started, 1e-9)))
    best, total, batches = float("inf"), 0.0, 0
    while total < arguments.seconds or batches < 3:
        started = time.perf_counter()
        for _ in range(calls_per_batch):
            step()
        elapsed = time.perf_counter() - started
        best = min(best, elapsed / calls_per_batch)
        total += elapsed
        batches += 1
    print(json.dumps({"cell": arguments.cell, "tokens_per_second": BATCH * STEPS / best,
                      "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
