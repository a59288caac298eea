#!/usr/bin/env python3
"""Writes a small MNIST-style data folder for mlp-train tests, with one
chosen defect.

    make_data.py DIR DEFECT [--side N] [--count N]

DIR receives train-* and t10k-* image and label files in the IDX format.
Each class has a bright block at its own place plus noise, so a small MLP
learns them. DEFECT is one of the names in DEFECTS below; "good" and
"good-raw" write valid gzip and uncompressed files.
"""

import argparse
import gzip
import os
import random
import struct
import sys

CLASSES = 10


def idx_bytes(dims, body):
    """Returns an unsigned-byte IDX file: magic, big-endian sizes, body."""
    header = bytes([0, 0, 0x08, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims)
    return header + bytes(body)


def make_split(count, side, seed):
    """Returns (image bytes, label bytes) of count samples of side x side."""
    rng = random.Random(seed)
    features = side * side
    block = max(1, features // CLASSES)
    images, labels = bytearray(), bytearray()
    for _ in range(count):
        label = rng.randrange(CLASSES)
        labels.append(label)
        for j in range(features):
            signal = 150 if j // block == label else 0
            images.append(min(255, rng.randrange(96) + signal))
    return images, labels


def write(path, data, compress):
    if compress:
        with gzip.open(path + ".gz", "wb") as f:
            f.write(data)
    else:
        with open(path, "wb") as f:
            f.write(data)


def files(split, count, side, seed):
    """Returns {file stem: IDX bytes} for one valid split."""
    images, labels = make_split(count, side, seed)
    return {
        split + "-images-idx3-ubyte": idx_bytes([count, side, side], images),
        split + "-labels-idx1-ubyte": idx_bytes([count], labels),
    }


def damage(defect, stem, data):
    """Returns the bytes to write for the train images or labels file."""
    images = "images" in stem
    if defect == "bad-magic" and images:
        return b"\x12\x34" + data[2:]
    if defect == "short-body" and images:
        return data[: len(data) - 100]
    if defect == "overflow" and images:
        # 0xFFFFFFFF items of 0xFFFF x 0xFFFF bytes overflow 64-bit sizes.
        return idx_bytes([0xFFFFFFFF, 0xFFFF, 0xFFFF], b"")
    if defect == "count-mismatch" and not images:
        count = struct.unpack(">I", data[4:8])[0]
        return idx_bytes([count - 1], data[8:-1])
    if defect == "label-range" and not images:
        return data[:-1] + bytes([CLASSES])
    return data


DEFECTS = [
    "good", "good-raw", "bad-magic", "short-body", "overflow", "count-mismatch",
    "label-range", "truncated-gz", "corrupt-gz", "missing-file", "empty",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir")
    parser.add_argument("defect", choices=DEFECTS)
    parser.add_argument("--side", type=int, default=8, help="image rows and columns")
    parser.add_argument("--count", type=int, default=200, help="training samples")
    args = parser.parse_args()

    os.makedirs(args.dir, exist_ok=True)
    if args.defect == "empty":
        return 0

    content = files("train", args.count, args.side, 1)
    content.update(files("t10k", max(1, args.count // 4), args.side, 2))
    for stem, data in content.items():
        path = os.path.join(args.dir, stem)
        if args.defect == "missing-file" and stem == "train-labels-idx1-ubyte":
            continue
        if stem.startswith("train"):
            data = damage(args.defect, stem, data)
        write(path, data, compress=args.defect != "good-raw")

    target = os.path.join(args.dir, "train-images-idx3-ubyte.gz")
    if args.defect == "truncated-gz":
        with open(target, "rb") as f:
            packed = f.read()
        with open(target, "wb") as f:
            f.write(packed[: len(packed) // 2])
    if args.defect == "corrupt-gz":
        with open(target, "rb") as f:
            packed = bytearray(f.read())
        # Flip bytes in the middle of the deflate stream, past the gzip header.
        for i in range(len(packed) // 2, len(packed) // 2 + 16):
            packed[i] ^= 0xA5
        with open(target, "wb") as f:
            f.write(bytes(packed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
