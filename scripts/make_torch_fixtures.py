"""Makes the PyTorch fixtures of Neurite's import tests (Tests/NeuriteTests/Fixtures/torch/).

Trains three small models briefly in PyTorch on the repository's MNIST copy, saves each
state_dict with safetensors.torch.save_file, and saves 100 test images exactly as fed to the
models together with PyTorch's logits for them. Neurite imports the state_dicts and must give the
same logits (to 1e-4).

    /work/pyenv/bin/python scripts/make_torch_fixtures.py

The Neurite architecture each PyTorch model corresponds to is given next to it.
"""
import gzip
import struct
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
MNIST = ROOT / "Sources/Neurite/Resources/MNIST"
OUT = ROOT / "Tests/NeuriteTests/Fixtures/torch"


def read_idx(name):
    with gzip.open(MNIST / (name + ".gz"), "rb") as file:
        data = file.read()
    _, _, _, rank = struct.unpack(">BBBB", data[:4])
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def standardised(images, mean, deviation):
    """Neurite's MNIST.load: pixels scaled to [0, 1], standardised with the training statistics,
    computed the same way in float32 (x·(1/(255σ)) − μ/σ)."""
    scale = np.float32(1) / (np.float32(255) * deviation)
    shift = mean / deviation
    return images.reshape(len(images), -1).astype(np.float32) * scale - shift


class LeNet5(nn.Module):
    """Neurite's Architecture.leNet5, with named modules (conv1 … fc3) as PyTorch code often has:
    reshape(1,28,28) conv(6,5,padding:2) relu maxpool(2) conv(16,5) relu maxpool(2) flatten
    dense(120,relu) dense(84,relu) dense(10)"""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = x.reshape(-1, 1, 28, 28)
        x = torch.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = torch.max_pool2d(torch.relu(self.conv2(x)), 2)
        x = torch.relu(self.fc1(x.flatten(1)))
        return self.fc3(torch.relu(self.fc2(x)))


def models():
    # "dense(128, relu) dense(10)"
    mlp = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    # "reshape(1,28,28) conv(4,3) batchnorm relu maxpool(2) flatten dense(32) batchnorm relu dense(10)"
    batchnorm = nn.Sequential(
        nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(676, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, 10))
    return {"mlp": mlp, "lenet": LeNet5(), "batchnorm": batchnorm}


def train(model, images, labels, steps, batch=64):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    model.train()
    for step in range(steps):
        start = (step * batch) % (len(images) - batch)
        x, y = images[start:start + batch], labels[start:start + batch]
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
    model.eval()
    return loss.item()


def main():
    torch.manual_seed(1)
    torch.set_num_threads(1)  # the machine is shared; the models are small
    train_bytes = read_idx("train-images-idx3-ubyte")
    pixels = train_bytes.astype(np.float64) / 255
    mean, deviation = np.float32(pixels.mean()), np.float32(max(pixels.std(), 1e-6))
    train_images = torch.from_numpy(standardised(train_bytes, mean, deviation))
    train_labels = torch.from_numpy(read_idx("train-labels-idx1-ubyte").astype(np.int64))
    test_images = torch.from_numpy(standardised(read_idx("t10k-images-idx3-ubyte")[:100], mean, deviation))
    test_labels = read_idx("t10k-labels-idx1-ubyte")[:100]

    OUT.mkdir(parents=True, exist_ok=True)
    samples = {"images": test_images.contiguous()}
    for name, model in models().items():
        loss = train(model, train_images, train_labels, steps=300)
        with torch.no_grad():
            logits = model(test_images)
        accuracy = (logits.argmax(1).numpy() == test_labels).mean()
        print(f"{name}: last batch loss {loss:.3f}, accuracy on the 100 images {accuracy:.2f}")
        # num_batches_tracked (int64) only counts training steps; Neurite's import ignores it. It is
        # left out so that the file is all F32, which every Neurite safetensors reader takes.
        state = {key: value.contiguous() for key, value in model.state_dict().items()
                 if not key.endswith("num_batches_tracked")}
        save_file(state, str(OUT / f"{name}.safetensors"))
        samples[f"{name}.logits"] = logits.contiguous()
    save_file(samples, str(OUT / "mnist-test-100.safetensors"))
    print("wrote", ", ".join(sorted(p.name for p in OUT.glob("*.safetensors"))))


if __name__ == "__main__":
    main()
