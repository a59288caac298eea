"""GFLOP/s of numpy's matrix product (OpenBLAS) on the shapes gemm-bench takes.

Runs in its own process: OpenBLAS threads keep spinning after a call and
would slow an OpenCL CPU device in the same process.
"""
import re
import sys
import time

import numpy as np

from blas_probe import blas_library


def parse(text):
    match = re.fullmatch(r"(\d+)x(\d+)x(\d+)(?::([NT])([NT]))?(?:\*(\d+))?", text)
    if match is None:
        raise SystemExit("bench_numpy.py: bad shape " + text)
    m, n, k = (int(match.group(i)) for i in (1, 2, 3))
    return m, n, k, match.group(4) == "T", match.group(5) == "T", int(match.group(6) or 1)


def time_shape(m, n, k, ta, tb, batch):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((batch, k, m) if ta else (batch, m, k), dtype=np.float32)
    b = rng.standard_normal((batch, n, k) if tb else (batch, k, n), dtype=np.float32)
    opa = a.transpose(0, 2, 1) if ta else a
    opb = b.transpose(0, 2, 1) if tb else b
    if batch == 1:
        opa, opb = opa[0], opb[0]

    def call():
        np.matmul(opa, opb)

    for _ in range(3):
        call()
    calls = 1
    started = time.perf_counter()
    call()
    once = time.perf_counter() - started
    calls = max(1, int(0.05 / max(once, 1e-9)))
    rounds = []
    for _ in range(7):
        started = time.perf_counter()
        for _ in range(calls):
            call()
        rounds.append((time.perf_counter() - started) / calls)
    return sorted(rounds)[3]


def main():
    np.matmul(np.ones((2, 2), np.float32), np.ones((2, 2), np.float32))
    print("blas " + blas_library())
    for text in sys.argv[1:]:
        m, n, k, ta, tb, batch = parse(text)
        seconds = time_shape(m, n, k, ta, tb, batch)
        print(f"{text} {seconds * 1e3:.4f} {2.0 * m * n * k * batch / seconds * 1e-9:.2f}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
