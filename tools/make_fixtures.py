#!/usr/bin/python3
"""Writes the PyTorch reference values that tests/test_layers.c and
tests/test_optim.c compare against, as text under tests/fixtures/.

Each file contains records of the form "NAME COUNT" on one line followed by
COUNT float32 values, one per line, in row-major order. Inputs are fixed
numbers from a seeded torch.Generator, so a rerun writes the same files.

Run with Debian's python3-torch: /usr/bin/python3 tools/make_fixtures.py
"""
import os

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures")


class Writer:
    def __init__(self, name):
        self.path = os.path.join(OUT, name)
        self.lines = []

    def add(self, name, tensor):
        values = tensor.detach().to(torch.float32).reshape(-1).tolist()
        self.lines.append(f"{name} {len(values)}")
        self.lines.extend(f"{v:.9g}" for v in values)

    def save(self):
        with open(self.path, "w") as f:
            f.write("\n".join(self.lines) + "\n")


def uniform(gen, *shape, low=-1.5, high=1.5):
    return low + (high - low) * torch.rand(*shape, generator=gen, dtype=torch.float64).float()


def modules(gen):
    w = Writer("modules.txt")

    # Linear: y = x W^T + b, loss = sum(y * r).
    x = uniform(gen, 4, 3).requires_grad_()
    weight = uniform(gen, 2, 3).requires_grad_()
    bias = uniform(gen, 2).requires_grad_()
    y = torch.nn.functional.linear(x, weight, bias)
    r = uniform(gen, 4, 2)
    (y * r).sum().backward()
    for name, t in [("linear.x", x), ("linear.weight", weight), ("linear.bias", bias),
                    ("linear.y", y), ("linear.upstream", r), ("linear.dx", x.grad),
                    ("linear.dweight", weight.grad), ("linear.dbias", bias.grad)]:
        w.add(name, t)

    # Activations on one input, away from the kinks at 0.
    x = uniform(gen, 3, 4)
    x = torch.where(x.abs() < 0.05, torch.full_like(x, 0.05), x)
    r = uniform(gen, 3, 4)
    w.add("act.x", x)
    w.add("act.upstream", r)
    for name, module in [("relu", torch.nn.ReLU()), ("tanh", torch.nn.Tanh()),
                         ("sigmoid", torch.nn.Sigmoid()), ("leakyrelu", torch.nn.LeakyReLU())]:
        xi = x.clone().requires_grad_()
        y = module(xi)
        (y * r).sum().backward()
        w.add(f"{name}.y", y)
        w.add(f"{name}.dx", xi.grad)

    # BatchNorm1d: three training steps, gradients of the first, then
    # evaluation with the running statistics.
    bn = torch.nn.BatchNorm1d(3)
    with torch.no_grad():
        bn.weight.copy_(uniform(gen, 3, low=0.5, high=1.5))
        bn.bias.copy_(uniform(gen, 3))
    w.add("bn.weight", bn.weight)
    w.add("bn.bias", bn.bias)
    bn.train()
    for step in range(3):
        x = (uniform(gen, 5, 3) * (step + 1) + step).requires_grad_()
        r = uniform(gen, 5, 3)
        y = bn(x)
        (y * r).sum().backward()
        w.add(f"bn.step{step}.x", x)
        w.add(f"bn.step{step}.upstream", r)
        w.add(f"bn.step{step}.y", y)
        w.add(f"bn.step{step}.dx", x.grad)
        w.add(f"bn.step{step}.dweight", bn.weight.grad)
        w.add(f"bn.step{step}.dbias", bn.bias.grad)
        bn.weight.grad = None
        bn.bias.grad = None
    w.add("bn.running_mean", bn.running_mean)
    w.add("bn.running_var", bn.running_var)
    w.add("bn.num_batches_tracked", bn.num_batches_tracked.float())
    bn.eval()
    x = uniform(gen, 4, 3).requires_grad_()
    r = uniform(gen, 4, 3)
    y = bn(x)
    (y * r).sum().backward()
    w.add("bn.eval.x", x)
    w.add("bn.eval.upstream", r)
    w.add("bn.eval.y", y)
    w.add("bn.eval.dx", x.grad)
    w.add("bn.eval.dweight", bn.weight.grad)
    w.add("bn.eval.dbias", bn.bias.grad)
    w.save()


def losses(gen):
    w = Writer("losses.txt")
    z = uniform(gen, 6, 1, low=-4, high=4).requires_grad_()
    t = torch.tensor([[1.0], [0.0], [1.0], [1.0], [0.0], [0.0]])
    loss = torch.nn.BCEWithLogitsLoss()(z, t)
    loss.backward()
    for name, v in [("bce_logits.z", z), ("bce_logits.t", t), ("bce_logits.loss", loss),
                    ("bce_logits.dz", z.grad)]:
        w.add(name, v)

    p = uniform(gen, 6, low=0.05, high=0.95).requires_grad_()
    t = torch.tensor([1.0, 0.0, 1.0, 0.0, 0.25, 1.0])
    loss = torch.nn.BCELoss()(p, t)
    loss.backward()
    for name, v in [("bce.p", p), ("bce.t", t), ("bce.loss", loss), ("bce.dp", p.grad)]:
        w.add(name, v)

    # Probabilities of exactly 0 and 1 meet the clamp of the log at -100.
    p = torch.tensor([0.0, 1.0, 0.0, 1.0])
    t = torch.tensor([1.0, 0.0, 0.0, 1.0])
    w.add("bce_clamp.p", p)
    w.add("bce_clamp.t", t)
    w.add("bce_clamp.loss", torch.nn.BCELoss()(p, t))

    x = uniform(gen, 3, 4).requires_grad_()
    t = uniform(gen, 3, 4)
    loss = torch.nn.MSELoss()(x, t)
    loss.backward()
    for name, v in [("mse.x", x), ("mse.t", t), ("mse.loss", loss), ("mse.dx", x.grad)]:
        w.add(name, v)

    z = uniform(gen, 4, 5, low=-3, high=3).requires_grad_()
    labels = torch.tensor([2, 0, 4, 1])
    loss = torch.nn.CrossEntropyLoss()(z, labels)
    loss.backward()
    for name, v in [("ce.z", z), ("ce.labels", labels.float()), ("ce.loss", loss),
                    ("ce.dz", z.grad)]:
        w.add(name, v)
    w.save()


OPTIMIZERS = [
    ("sgd", lambda p: torch.optim.SGD(p, lr=0.1)),
    ("sgd_momentum", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1,
                                               weight_decay=0.01)),
    ("sgd_nesterov", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True,
                                               weight_decay=0.01)),
    ("adam", lambda p: torch.optim.Adam(p, lr=0.01)),
    ("adam_decay", lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.99), eps=1e-6,
                                              weight_decay=0.1)),
    ("adamw", lambda p: torch.optim.AdamW(p, lr=0.01)),
    ("adamw_decay", lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1)),
]


def optimizers(gen):
    w = Writer("optimizers.txt")
    p0 = uniform(gen, 7)
    grads = [uniform(gen, 7) for _ in range(3)]
    w.add("p0", p0)
    for i, g in enumerate(grads):
        w.add(f"grad{i}", g)
    for name, make in OPTIMIZERS:
        p = torch.nn.Parameter(p0.clone())
        opt = make([p])
        for step, g in enumerate(grads):
            opt.zero_grad()
            p.grad = g.clone()
            opt.step()
            w.add(f"{name}.step{step}", p)
    w.save()


def main():
    os.makedirs(OUT, exist_ok=True)
    gen = torch.Generator().manual_seed(20261204)
    modules(gen)
    losses(gen)
    optimizers(gen)


if __name__ == "__main__":
    main()
