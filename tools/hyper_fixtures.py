#!/usr/bin/python3
"""Writes tests/hyper_fixtures.h: PyTorch results for the dynamic-parameter
MLP and the hypernetwork, as C arrays that tests/test_hyper.c compiles in.

Run it with Debian's python3-torch: /usr/bin/python3 tools/hyper_fixtures.py

Every case comes without hidden layers (prefix 0) and with one hidden layer
followed by BatchNorm1d and ReLU (prefix 1). Dropout is 0, so the results
do not depend on random masks.
"""
import pathlib

import torch
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "hyper_fixtures.h"


def float_literal(value):
    """A C float literal; "1f" is not one, so whole numbers get ".0"."""
    text = f"{value:.9g}"
    if not any(c in text for c in ".en"):
        text += ".0"
    return text + "f"


def c_array(name, tensor, ctype="float"):
    values = tensor.detach().reshape(-1).tolist()
    if ctype == "float":
        body = ", ".join(float_literal(v) for v in values)
    else:
        body = ", ".join(str(int(v)) for v in values)
    return f"static const {ctype} {name}[{len(values)}] = {{{body}}};\n"


def layer_sizes(inputs, hidden, outputs):
    sizes = [inputs] + hidden + [outputs]
    return list(zip(sizes[:-1], sizes[1:]))


def dp_forward(x, weights, biases, norms):
    """x_b · W_b + bias_b per sample with torch.bmm; hidden layers are
    followed by BatchNorm1d and ReLU (Dropout with p = 0 is the identity)."""
    h = x
    for layer, (w, b) in enumerate(zip(weights, biases)):
        h = torch.bmm(h.unsqueeze(1), w).squeeze(1) + b
        if layer < len(norms):
            h = torch.relu(norms[layer](h))
    return h


def split(params, sizes):
    """Splits rows of generated parameters: each layer's weight [in, out],
    then its bias."""
    weights, biases, offset = [], [], 0
    for fan_in, fan_out in sizes:
        weights.append(params[:, offset:offset + fan_in * fan_out].reshape(-1, fan_in, fan_out))
        offset += fan_in * fan_out
        biases.append(params[:, offset:offset + fan_out])
        offset += fan_out
    return weights, biases


def dp_case(lines, tag, hidden):
    """B=4, 5 inputs, 3 outputs: logits and gradients of the mean
    cross-entropy for x, every W and bias, and BatchNorm1d's parameters."""
    batch, inputs, outputs = 4, 5, 3
    sizes = layer_sizes(inputs, hidden, outputs)
    x = (torch.rand(batch, inputs) * 2 - 1).requires_grad_()
    ws = [(torch.rand(batch, i, o) * 2 - 1).requires_grad_() for i, o in sizes]
    bs = [(torch.rand(batch, o) * 2 - 1).requires_grad_() for _, o in sizes]
    norms = [torch.nn.BatchNorm1d(h) for h in hidden]
    labels = torch.tensor([2, 0, 1, 2])
    logits = dp_forward(x, ws, bs, norms)
    loss = F.cross_entropy(logits, labels)
    loss.backward()

    lines.append(c_array(f"{tag}_x", x))
    lines.append(c_array(f"{tag}_labels", labels, "int"))
    lines.append(c_array(f"{tag}_logits", logits))
    lines.append(c_array(f"{tag}_loss", loss.reshape(1)))
    lines.append(c_array(f"{tag}_dx", x.grad))
    for layer, (w, b) in enumerate(zip(ws, bs)):
        lines.append(c_array(f"{tag}_w{layer}", w))
        lines.append(c_array(f"{tag}_b{layer}", b))
        lines.append(c_array(f"{tag}_dw{layer}", w.grad))
        lines.append(c_array(f"{tag}_db{layer}", b.grad))
    for layer, norm in enumerate(norms):
        lines.append(c_array(f"{tag}_norm{layer}_dweight", norm.weight.grad))
        lines.append(c_array(f"{tag}_norm{layer}_dbias", norm.bias.grad))
        lines.append(c_array(f"{tag}_norm{layer}_running_mean", norm.running_mean))
        lines.append(c_array(f"{tag}_norm{layer}_running_var", norm.running_var))


def hyper_case(lines, tag, hidden):
    """Generator Linear(6, 5), ReLU, Linear(5, n_params) with PyTorch's
    default initialisation; the per-sample network maps 6 inputs to 3
    outputs. Three SGD steps at lr 0.1 on three batches of 4."""
    batch, inputs, gen_hidden, outputs, steps = 4, 6, 5, 3, 3
    sizes = layer_sizes(inputs, hidden, outputs)
    n_params = sum((i + 1) * o for i, o in sizes)
    generator = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(inputs, gen_hidden),
                                    torch.nn.ReLU(), torch.nn.Linear(gen_hidden, n_params))
    norms = [torch.nn.BatchNorm1d(h) for h in hidden]
    lin1, lin2 = generator[1], generator[3]
    lines.append(f"#define {tag.upper()}_PARAMS {n_params}\n")
    lines.append(c_array(f"{tag}_w1", lin1.weight))
    lines.append(c_array(f"{tag}_b1", lin1.bias))
    lines.append(c_array(f"{tag}_w2", lin2.weight))
    lines.append(c_array(f"{tag}_b2", lin2.bias))

    xs = torch.rand(steps, batch, inputs) * 2 - 1
    ys = torch.randint(0, outputs, (steps, batch))
    trained = list(generator.parameters()) + [p for n in norms for p in n.parameters()]
    optimizer = torch.optim.SGD(trained, lr=0.1)
    losses = []
    for step in range(steps):
        x = xs[step]
        weights, biases = split(generator(x), sizes)
        loss = F.cross_entropy(dp_forward(x, weights, biases, norms), ys[step])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    lines.append(c_array(f"{tag}_x", xs))
    lines.append(c_array(f"{tag}_labels", ys, "int"))
    lines.append(c_array(f"{tag}_losses", torch.tensor(losses)))
    lines.append(c_array(f"{tag}_w1_final", lin1.weight))
    lines.append(c_array(f"{tag}_b1_final", lin1.bias))
    lines.append(c_array(f"{tag}_w2_final", lin2.weight))
    lines.append(c_array(f"{tag}_b2_final", lin2.bias))
    for layer, norm in enumerate(norms):
        lines.append(c_array(f"{tag}_norm{layer}_weight_final", norm.weight))
        lines.append(c_array(f"{tag}_norm{layer}_bias_final", norm.bias))
        lines.append(c_array(f"{tag}_norm{layer}_running_mean", norm.running_mean))
        lines.append(c_array(f"{tag}_norm{layer}_running_var", norm.running_var))


def main():
    torch.manual_seed(0)
    lines = ["/* PyTorch " + torch.__version__ + " results written by tools/hyper_fixtures.py; "
             "do not edit. */\n#ifndef HYPER_FIXTURES_H\n#define HYPER_FIXTURES_H\n\n",
             "#define DP_BATCH 4\n#define DP_INPUTS 5\n#define DP_HIDDEN 4\n#define DP_OUTPUTS 3\n",
             "#define HY_BATCH 4\n#define HY_INPUTS 6\n#define HY_HIDDEN 5\n"
             "#define HY_DP_HIDDEN 3\n#define HY_OUTPUTS 3\n#define HY_STEPS 3\n\n"]
    dp_case(lines, "dp0", [])
    dp_case(lines, "dp1", [4])
    hyper_case(lines, "hy0", [])
    hyper_case(lines, "hy1", [3])
    lines.append("\n#endif\n")
    OUT.write_text("".join(lines))


if __name__ == "__main__":
    main()
