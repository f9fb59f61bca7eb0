#!/usr/bin/env python3
"""Neurite's benchmark workloads in PyTorch or JAX, for `neurite bench --against pytorch,jax`.

Run as a child of `neurite bench`, which keeps it up and interleaves it with its own runs:

    peer_bench.py serve --peer pytorch|jax --threads N

prints one JSON line {"peer", "version", "threads"} (or {"error"} when the peer is not installed),
then reads one request per line, "ROW SECONDS", and answers {"row", "samples_per_second"}.
The rows are Neurite's (Sources/NeuriteCLI/BenchWorkloads.swift), same shapes, data and optimizer:

    mlp128-sgd-b64    784-128-10 MLP training, batch 64, SGD lr 0.01 momentum 0.9
    mlp128-adam-b64   the same with Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8)
    mlp128-sgd-b256   batch 256
    mlp512-sgd-b128   784-512-512-10, batch 128
    lenet5-sgd-b64    LeNet-5 (conv 6@5x5 pad 2, relu, maxpool 2, conv 16@5x5, relu, maxpool 2,
                      dense 120 relu, 84 relu, 10), batch 64
    mlp128-infer-b1   784-128-10 forward without gradients, batch 1
    mlp128-infer-b1000                                         batch 1000

Data: standard normal [n, 784] pixels and uniform labels 0-9, as Neurite's synthetic MNIST; a
training call is one pass of 32 shuffled batches, as Neurite's. Timing rule (as Neurite's
bestSecondsPerCall): a warm-up call, batches of about 10 ms repeated for at least SECONDS, the
best batch. JAX training is measured in two forms and the faster counts: each pass as one jitted
`lax.scan` over its steps (the idiomatic fast form), and as 32 calls of one jitted step (XLA's CPU
convolutions run about 3x slower inside the scan); LeNet-5 with lax.conv_general_dilated and
lax.reduce_window, NCHW. PyTorch runs eager steps, as a training loop usually does, with its
fused optimizers (fused=True) where the installed version has them.

    peer_bench.py time-to-accuracy --peer pytorch --model mlp|lenet --mnist DIR --target 0.98

trains on MNIST with `neurite train mnist`'s default recipe (batch 64, SGD lr 0.02 momentum 0.9,
cosine decay per epoch over 10 epochs, He-normal weights before ReLU, Xavier-uniform otherwise,
zero biases, pixels standardised with the training set's mean and deviation) and prints one
JSON line per epoch: {"epoch", "test_accuracy", "seconds"}; the parent times the whole process.
"""
import argparse
import gzip
import json
import os
import sys
import time

STEPS_PER_PASS = 32
ROWS = {
    # row: (model, batch, optimizer or None for inference)
    "mlp128-sgd-b64": ("mlp128", 64, "sgd"),
    "mlp128-adam-b64": ("mlp128", 64, "adam"),
    "mlp128-sgd-b256": ("mlp128", 256, "sgd"),
    "mlp512-sgd-b128": ("mlp512", 128, "sgd"),
    "lenet5-sgd-b64": ("lenet5", 64, "sgd"),
    "mlp128-infer-b1": ("mlp128", 1, None),
    "mlp128-infer-b1000": ("mlp128", 1000, None),
}


def reply(message):
    print(json.dumps(message), flush=True)


def best_seconds(call, minimum_seconds):
    call()
    start = time.perf_counter(); call(); one = max(time.perf_counter() - start, 1e-9)
    per_batch = max(1, int(0.01 / one))
    best, total, batches = float("inf"), 0.0, 0
    while total < minimum_seconds or batches < 3:
        start = time.perf_counter()
        for _ in range(per_batch):
            call()
        elapsed = time.perf_counter() - start
        best, total, batches = min(best, elapsed / per_batch), total + elapsed, batches + 1
    return best


def synthetic(count, seed=7):
    import numpy as np
    rng = np.random.default_rng(seed)
    return rng.standard_normal((count, 784), dtype=np.float32), rng.integers(0, 10, count)


class PyTorchPeer:
    def __init__(self, threads):
        import torch
        torch.set_num_threads(threads)
        self.torch = torch
        self.version = "PyTorch " + torch.__version__
        self.threads = torch.get_num_threads()

    def model(self, name, recipe_init=False):
        nn = self.torch.nn
        if name == "mlp128":
            layers = [nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)]
        elif name == "mlp512":
            layers = [nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10)]
        else:
            layers = [nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                      nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)]
        if recipe_init:  # Neurite's defaults: He normal before ReLU, Xavier uniform otherwise, zero biases
            for index, layer in enumerate(layers):
                if isinstance(layer, (nn.Linear, nn.Conv2d)):
                    before_relu = index + 1 < len(layers) and isinstance(layers[index + 1], nn.ReLU)
                    (nn.init.kaiming_normal_ if before_relu else nn.init.xavier_uniform_)(layer.weight)
                    nn.init.zeros_(layer.bias)
        return nn.Sequential(*layers)

    def optimizer(self, name, parameters, learning_rate=0.01):
        # fused=True: one kernel over all parameters, PyTorch's fastest CPU update since 2.4
        # (Adam here: 68k against 52k samples/s unfused at batch 64); older versions lack it.
        parameters = list(parameters)
        make = (lambda **fused: self.torch.optim.Adam(parameters, lr=1e-3, **fused)) if name == "adam" else \
            (lambda **fused: self.torch.optim.SGD(parameters, lr=learning_rate, momentum=0.9, **fused))
        try:
            return make(fused=True)
        except (TypeError, RuntimeError, ValueError):
            return make()

    def measure(self, row, minimum_seconds):
        torch = self.torch
        model_name, batch, optimizer_name = ROWS[row]
        model = self.model(model_name)
        count = batch * STEPS_PER_PASS if optimizer_name else batch
        inputs, labels = synthetic(count)
        inputs, labels = torch.from_numpy(inputs), torch.from_numpy(labels)
        if optimizer_name is None:
            # The mode is entered once, around the timing, as Neurite's rows run their whole loop
            # under `withoutGradient`: entered in every call, it cost PyTorch about 2.6 µs of a
            # 27–30 µs batch-1 call (2-core Xeon VM).
            with torch.inference_mode():
                return batch / best_seconds(lambda: model(inputs)[0, 0].item(), minimum_seconds)
        optimizer = self.optimizer(optimizer_name, model.parameters())
        loss_function = torch.nn.CrossEntropyLoss()

        def one_pass():
            order = torch.randperm(count)
            for start in range(0, count, batch):
                chosen = order[start:start + batch]
                optimizer.zero_grad(set_to_none=True)
                loss = loss_function(model(inputs[chosen]), labels[chosen])
                loss.backward()
                optimizer.step()
            loss.item()
        return count / best_seconds(one_pass, minimum_seconds)

    def train_to_accuracy(self, model_name, images, epochs=10, batch=64):
        torch = self.torch
        (train_x, train_y), (test_x, test_y) = [(torch.from_numpy(x), torch.from_numpy(y)) for x, y in images]
        torch.manual_seed(1)
        model = self.model(model_name, recipe_init=True)
        optimizer = self.optimizer("sgd", model.parameters(), learning_rate=0.02)
        schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
        loss_function = torch.nn.CrossEntropyLoss()
        for epoch in range(1, epochs + 1):
            model.train()
            order = torch.randperm(len(train_x))
            for start in range(0, len(train_x), batch):
                chosen = order[start:start + batch]
                optimizer.zero_grad(set_to_none=True)
                loss_function(model(train_x[chosen]), train_y[chosen]).backward()
                optimizer.step()
            schedule.step()
            model.eval()
            with torch.inference_mode():
                correct = sum(int((model(test_x[s:s + 1000]).argmax(1) == test_y[s:s + 1000]).sum())
                              for s in range(0, len(test_x), 1000))
            yield epoch, correct / len(test_x)


class JAXPeer:
    def __init__(self, threads):
        # XLA sizes its CPU thread pool by the CPUs this process may run on: pin it to `threads`.
        available = sorted(os.sched_getaffinity(0))
        if threads < len(available):
            os.sched_setaffinity(0, available[:threads])
        import jax
        import jax.numpy as jnp
        self.jax, self.jnp = jax, jnp
        self.version = "JAX " + jax.__version__
        self.threads = len(os.sched_getaffinity(0))

    def init(self, model_name, key):
        jax, jnp = self.jax, self.jnp
        params = []
        if model_name == "lenet5":  # two conv layers (OIHW filters), then the dense layers below
            for shape in [(6, 1, 5, 5), (16, 6, 5, 5)]:
                key, sub = jax.random.split(key)
                fan_in = shape[1] * shape[2] * shape[3]
                params.append((jax.random.normal(sub, shape) * (2 / fan_in) ** 0.5, jnp.zeros(shape[0])))
        sizes = {"mlp128": [784, 128, 10], "mlp512": [784, 512, 512, 10], "lenet5": [400, 120, 84, 10]}[model_name]
        for fan_in, fan_out in zip(sizes, sizes[1:]):
            key, sub = jax.random.split(key)
            params.append((jax.random.normal(sub, (fan_in, fan_out)) * (2 / fan_in) ** 0.5, jnp.zeros(fan_out)))
        return params

    def forward(self, params, x):
        if len(params) == 5:  # LeNet-5: NCHW as Neurite, so the flatten order is the same
            lax = self.jax.lax
            x = x.reshape(-1, 1, 28, 28)
            for (weight, bias), padding in zip(params[:2], [((2, 2), (2, 2)), ((0, 0), (0, 0))]):
                x = lax.conv_general_dilated(x, weight, (1, 1), padding, dimension_numbers=("NCHW", "OIHW", "NCHW"))
                x = self.jax.nn.relu(x + bias[None, :, None, None])
                x = lax.reduce_window(x, -self.jnp.inf, lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")
            x = x.reshape(x.shape[0], -1)
            params = params[2:]
        for weight, bias in params[:-1]:
            x = self.jax.nn.relu(x @ weight + bias)
        weight, bias = params[-1]
        return x @ weight + bias

    def measure(self, row, minimum_seconds):
        jax, jnp = self.jax, self.jnp
        model_name, batch, optimizer_name = ROWS[row]
        params = self.init(model_name, jax.random.PRNGKey(1))
        count = batch * STEPS_PER_PASS if optimizer_name else batch
        inputs, labels = synthetic(count)
        inputs, labels = jnp.asarray(inputs), jnp.asarray(labels)
        if optimizer_name is None:
            forward = jax.jit(self.forward)
            return batch / best_seconds(lambda: forward(params, inputs)[0, 0].block_until_ready(), minimum_seconds)

        def loss(params, x, y):
            logits = self.forward(params, x)
            return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), y[:, None], axis=1))

        zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
        state = (zeros, zeros, jnp.zeros((), jnp.int32))  # velocity or (m, v), step count

        def update(params, state, grads):
            if optimizer_name == "sgd":
                velocity = jax.tree_util.tree_map(lambda v, g: 0.9 * v + g, state[0], grads)
                return jax.tree_util.tree_map(lambda p, v: p - 0.01 * v, params, velocity), (velocity, state[1], state[2])
            m, v, t = state
            t = t + 1
            m = jax.tree_util.tree_map(lambda m, g: 0.9 * m + 0.1 * g, m, grads)
            v = jax.tree_util.tree_map(lambda v, g: 0.999 * v + 0.001 * g * g, v, grads)
            scale = 1e-3 * jnp.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
            return jax.tree_util.tree_map(lambda p, m, v: p - scale * m / (jnp.sqrt(v) + 1e-8 * jnp.sqrt(1 - 0.999 ** t)),
                                          params, m, v), (m, v, t)

        def train_step(params, state, chosen):
            value, grads = jax.value_and_grad(loss)(params, inputs[chosen], labels[chosen])
            params, state = update(params, state, grads)
            return params, state, value

        @jax.jit
        def one_pass(params, state, key):
            order = jax.random.permutation(key, count).reshape(STEPS_PER_PASS, batch)

            def step(carry, chosen):
                params, state, value = train_step(*carry, chosen)
                return (params, state), value
            (params, state), losses = jax.lax.scan(step, (params, state), order)
            return params, state, losses[-1]

        one_step = jax.jit(train_step)

        def measure_form(whole_pass):
            carry = {"params": params, "state": state, "key": jax.random.PRNGKey(2)}

            def call():
                carry["key"], key = jax.random.split(carry["key"])
                if whole_pass:
                    carry["params"], carry["state"], last = one_pass(carry["params"], carry["state"], key)
                else:
                    for chosen in jax.random.permutation(key, count).reshape(STEPS_PER_PASS, batch):
                        carry["params"], carry["state"], last = one_step(carry["params"], carry["state"], chosen)
                last.block_until_ready()
            return count / best_seconds(call, minimum_seconds)
        # The faster of the two forms: the scan saves a dispatch per step, but XLA's CPU
        # convolutions ran about 3x slower inside it (LeNet-5: 1.5k against 4.8k samples/s).
        return max(measure_form(True), measure_form(False))


def make_peer(name, threads):
    try:
        return PyTorchPeer(threads) if name == "pytorch" else JAXPeer(threads)
    except ImportError as error:
        return str(error)


def serve(arguments):
    peer = make_peer(arguments.peer, arguments.threads)
    if isinstance(peer, str):
        reply({"error": "not installed (" + peer + ")"})
        return
    reply({"peer": arguments.peer, "version": peer.version, "threads": peer.threads})
    for line in iter(sys.stdin.readline, ""):
        row, seconds = line.split()
        try:
            reply({"row": row, "samples_per_second": peer.measure(row, float(seconds))})
        except NotImplementedError as error:
            reply({"row": row, "unavailable": str(error)})


def mnist(directory):
    import numpy as np

    def read(name, offset):
        path = os.path.join(directory, name)
        opener = gzip.open if os.path.exists(path + ".gz") else open
        with opener(path + ".gz" if os.path.exists(path + ".gz") else path, "rb") as file:
            return np.frombuffer(file.read(), dtype=np.uint8, offset=offset)
    # float32 from the bytes on, standardised in place: no float64 copy inflates the peak RSS.
    train, test = (read(name, 16).reshape(-1, 784).astype(np.float32) / 255
                   for name in ("train-images-idx3-ubyte", "t10k-images-idx3-ubyte"))
    mean, deviation = float(train.mean(dtype=np.float64)), float(train.std(dtype=np.float64))
    standardised = [train, test]
    for x in standardised:
        x -= mean
        x /= deviation
    labels = [read(name, 8).astype(np.int64) for name in ("train-labels-idx1-ubyte", "t10k-labels-idx1-ubyte")]
    return (standardised[0], labels[0]), (standardised[1], labels[1])


def time_to_accuracy(arguments):
    peer = make_peer(arguments.peer, arguments.threads)
    if isinstance(peer, str) or not isinstance(peer, PyTorchPeer):
        reply({"error": peer if isinstance(peer, str) else "time to accuracy is measured in PyTorch only"})
        return
    reply({"peer": arguments.peer, "version": peer.version, "threads": peer.threads})
    started = time.perf_counter()
    for epoch, accuracy in peer.train_to_accuracy(arguments.model, mnist(arguments.mnist), epochs=arguments.epochs):
        reply({"epoch": epoch, "test_accuracy": accuracy, "seconds": time.perf_counter() - started})
        if accuracy >= arguments.target:
            break


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["serve", "time-to-accuracy"])
    parser.add_argument("--peer", choices=["pytorch", "jax"], required=True)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--model", choices=["mlp", "lenet"], default="mlp")
    parser.add_argument("--mnist", help="directory of the four MNIST files (.gz or not)")
    parser.add_argument("--target", type=float, default=0.98)
    parser.add_argument("--epochs", type=int, default=10)
    arguments = parser.parse_args()
    if arguments.mode == "time-to-accuracy":
        arguments.model = {"mlp": "mlp128", "lenet": "lenet5"}[arguments.model]
    (serve if arguments.mode == "serve" else time_to_accuracy)(arguments)


if __name__ == "__main__":
    main()
