#!/usr/bin/python3
"""Write the PyTorch interoperability fixtures for clmlp's tests.

Builds the concise MLP as PyTorch code writes it,
Sequential(Flatten, Linear(784, HIDDEN), ReLU, Linear(HIDDEN, 10)), with a
fixed seed, and writes two safetensors files:

  interop_concise.safetensors   the model's state_dict (net.1.weight [out, in],
                                net.1.bias, net.3.weight, net.3.bias) with the
                                metadata clmlp reads to rebuild the model
  interop_expected.safetensors  "inputs" [ROWS, 784] in [0, 1], and PyTorch's
                                "probabilities" [ROWS, 10] (softmax of the
                                logits) and "labels" [ROWS] (argmax, as F32)

The files are written by hand in the safetensors layout (8-byte
little-endian header length, JSON header, little-endian data), so the
script needs only Debian's python3-torch.

usage: tools/make_interop_fixture.py [OUTPUT_DIR]   (default tests/fixtures)
"""
import json
import os
import struct
import sys

import torch

HIDDEN = 16
ROWS = 6
SEED = 20240607


def write_safetensors(path, tensors, metadata):
    """Write named float32 tensors in order, with string metadata."""
    header = {"__metadata__": metadata}
    chunks = []
    offset = 0
    for name, tensor in tensors:
        data = tensor.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for data in chunks:
            out.write(data)


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures")
    torch.manual_seed(SEED)
    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, HIDDEN),
                              torch.nn.ReLU(), torch.nn.Linear(HIDDEN, 10))
    # Images shaped as Fashion-MNIST batches are, [ROWS, 1, 28, 28].
    images = torch.rand(ROWS, 1, 28, 28)
    with torch.no_grad():
        probabilities = torch.softmax(net(images), dim=1)
    labels = probabilities.argmax(dim=1)

    state = [("net." + name, value) for name, value in net.state_dict().items()]
    metadata = {
        "model.family": "concise",
        "model.config": json.dumps({"inputs": 784, "hidden": [HIDDEN], "outputs": 10},
                                   separators=(",", ":")),
        "epoch": "0",
        "producer": "torch %s, tools/make_interop_fixture.py" % torch.__version__,
    }
    write_safetensors(os.path.join(out_dir, "interop_concise.safetensors"), state, metadata)
    write_safetensors(os.path.join(out_dir, "interop_expected.safetensors"),
                      [("inputs", images.reshape(ROWS, 784)),
                       ("probabilities", probabilities),
                       ("labels", labels.to(torch.float32))],
                      {"producer": metadata["producer"]})
    print("labels", labels.tolist())


if __name__ == "__main__":
    main()
