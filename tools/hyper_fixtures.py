#!/usr/bin/python3
"""Writes tests/hyper_fixtures.h: PyTorch results for the dynamic-parameter
MLP and the hypernetwork, as C arrays that tests/test_hyper.c compiles in.

Run it with Debian's python3-torch: /usr/bin/python3 tools/hyper_fixtures.py
"""
import pathlib

import torch
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "hyper_fixtures.h"


def c_array(name, tensor, ctype="float"):
    values = tensor.detach().reshape(-1).tolist()
    if ctype == "float":
        body = ", ".join(f"{v:.9g}f" for v in values)
    else:
        body = ", ".join(str(int(v)) for v in values)
    return f"static const {ctype} {name}[{len(values)}] = {{{body}}};\n"


def dp_forward(x, weights, biases):
    """The dynamic-parameter MLP without hidden layers: one bmm layer."""
    h = x
    for w, b in zip(weights, biases):
        h = torch.bmm(h.unsqueeze(1), w).squeeze(1) + b
    return h


def dp_case(lines):
    """One output layer, B=3, in=5, out=4: logits and gradients of the mean
    cross-entropy for x, W and b."""
    batch, inputs, outputs = 3, 5, 4
    x = (torch.rand(batch, inputs) * 2 - 1).requires_grad_()
    w = (torch.rand(batch, inputs, outputs) * 2 - 1).requires_grad_()
    b = (torch.rand(batch, outputs) * 2 - 1).requires_grad_()
    labels = torch.tensor([2, 0, 3])
    logits = dp_forward(x, [w], [b])
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    lines.append(f"#define DP_BATCH {batch}\n#define DP_INPUTS {inputs}\n#define DP_OUTPUTS {outputs}\n")
    for name, t in [("dp_x", x), ("dp_w", w), ("dp_b", b), ("dp_logits", logits),
                    ("dp_loss", loss.reshape(1)), ("dp_dx", x.grad), ("dp_dw", w.grad),
                    ("dp_db", b.grad)]:
        lines.append(c_array(name, t))
    lines.append(c_array("dp_labels", labels, "int"))


def hyper_case(lines):
    """Generator Linear(6, 5), ReLU, Linear(5, 21) with PyTorch's default
    initialisation; the per-sample network maps 6 inputs to 3 outputs. Three
    SGD steps at lr 0.1 on three batches of 4."""
    batch, inputs, hidden, outputs, steps = 4, 6, 5, 3, 3
    n_params = inputs * outputs + outputs
    generator = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(inputs, hidden),
                                    torch.nn.ReLU(), torch.nn.Linear(hidden, n_params))
    lin1, lin2 = generator[1], generator[3]
    # clmlp stores weights [in, out], the transpose of PyTorch's [out, in].
    lines.append(f"#define HY_BATCH {batch}\n#define HY_INPUTS {inputs}\n#define HY_HIDDEN {hidden}\n"
                 f"#define HY_OUTPUTS {outputs}\n#define HY_PARAMS {n_params}\n#define HY_STEPS {steps}\n")
    lines.append(c_array("hy_w1", lin1.weight.t()))
    lines.append(c_array("hy_b1", lin1.bias))
    lines.append(c_array("hy_w2", lin2.weight.t()))
    lines.append(c_array("hy_b2", lin2.bias))

    xs = torch.rand(steps, batch, inputs) * 2 - 1
    ys = torch.randint(0, outputs, (steps, batch))
    optimizer = torch.optim.SGD(generator.parameters(), lr=0.1)
    losses = []
    for step in range(steps):
        x = xs[step]
        params = generator(x)
        w = params[:, :inputs * outputs].reshape(batch, inputs, outputs)
        b = params[:, inputs * outputs:]
        loss = F.cross_entropy(dp_forward(x, [w], [b]), ys[step])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    lines.append(c_array("hy_x", xs))
    lines.append(c_array("hy_labels", ys, "int"))
    lines.append(c_array("hy_losses", torch.tensor(losses)))
    lines.append(c_array("hy_w1_final", lin1.weight.t()))
    lines.append(c_array("hy_b1_final", lin1.bias))
    lines.append(c_array("hy_w2_final", lin2.weight.t()))
    lines.append(c_array("hy_b2_final", lin2.bias))


def main():
    torch.manual_seed(0)
    lines = ["/* PyTorch " + torch.__version__ + " results written by tools/hyper_fixtures.py; "
             "do not edit. */\n#ifndef HYPER_FIXTURES_H\n#define HYPER_FIXTURES_H\n\n"]
    dp_case(lines)
    lines.append("\n")
    hyper_case(lines)
    lines.append("\n#endif\n")
    OUT.write_text("".join(lines))


if __name__ == "__main__":
    main()
