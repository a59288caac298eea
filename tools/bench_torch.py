"""The trainings of mlp-train in PyTorch, for the side-by-side benchmark.

Same data (pixels / 255, t10k for validation), model, initialisation, batch,
learning rate and SGD as mlp-train; every epoch trains then evaluates, and
its time covers both, as mlp-train's epoch line does. Prints one line per
epoch: "epoch N seconds S train_loss L val_acc A".
"""
import argparse
import gzip
import os
import time

import numpy as np
import torch
from torch import nn

from blas_probe import blas_library


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_split(folder, split):
    def find(kind):
        for suffix in ("-ubyte.gz", "-ubyte"):
            path = os.path.join(folder, f"{split}-{kind}-idx{1 if kind == 'labels' else 3}{suffix}")
            if os.path.exists(path):
                return path
        raise SystemExit(f"bench_torch.py: no {split} {kind} in {folder}")

    images = read_idx(find("images")).reshape(-1, 784).astype(np.float32) / 255.0
    labels = read_idx(find("labels")).astype(np.int64)
    return torch.from_numpy(images), torch.from_numpy(labels)


class Scratch(nn.Module):
    """Explicit parameters: W ~ N(0, 0.01²), zero biases, one ReLU layer."""

    def __init__(self, hidden):
        super().__init__()
        self.w1 = nn.Parameter(torch.randn(784, hidden) * 0.01)
        self.b1 = nn.Parameter(torch.zeros(hidden))
        self.w2 = nn.Parameter(torch.randn(hidden, 10) * 0.01)
        self.b2 = nn.Parameter(torch.zeros(10))

    def forward(self, x):
        return torch.relu(x @ self.w1 + self.b1) @ self.w2 + self.b2


class Hyper(nn.Module):
    """A generator MLP gives each sample its own 784 x 10 weights and bias."""

    def __init__(self, hidden):
        super().__init__()
        self.generator = nn.Sequential(nn.Linear(784, hidden), nn.ReLU(),
                                       nn.Linear(hidden, 784 * 10 + 10))

    def forward(self, x):
        params = self.generator(x)
        w = params[:, :7840].reshape(-1, 784, 10)
        b = params[:, 7840:]
        return torch.bmm(x.unsqueeze(1), w).squeeze(1) + b


def build(family, hidden):
    if family == "scratch":
        return Scratch(hidden)
    if family == "concise":
        return nn.Sequential(nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, 10))
    if family == "fc":
        return nn.Sequential(nn.Linear(784, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
                             nn.Dropout(0.2), nn.Linear(hidden, hidden), nn.BatchNorm1d(hidden),
                             nn.ReLU(), nn.Dropout(0.2), nn.Linear(hidden, 10))
    if family == "hyper":
        return Hyper(hidden)
    raise SystemExit("bench_torch.py: unknown model " + family)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="scratch")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x_train, y_train = load_split(args.data, "train")
    x_val, y_val = load_split(args.data, "t10k")
    model = build(args.model, args.hidden)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()

    print("blas " + blas_library(), flush=True)
    for epoch in range(1, args.epochs + 1):
        started = time.perf_counter()
        model.train()
        order = torch.randperm(len(x_train))
        total, count = 0.0, 0
        for start in range(0, len(order), args.batch_size):
            index = order[start:start + args.batch_size]
            x, y = x_train[index], y_train[index]
            loss = loss_fn(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(index)
            count += len(index)
        model.eval()
        correct = 0
        with torch.no_grad():
            for start in range(0, len(x_val), args.batch_size):
                logits = model(x_val[start:start + args.batch_size])
                correct += (logits.argmax(1) == y_val[start:start + args.batch_size]).sum().item()
        seconds = time.perf_counter() - started
        print(f"epoch {epoch} seconds {seconds:.3f} train_loss {total / count:.4f} "
              f"val_acc {correct / len(x_val):.4f}", flush=True)


if __name__ == "__main__":
    main()
