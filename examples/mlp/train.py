# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Trains the example MLP (64 -> 32 -> 10, ReLU) on the UCI optical digits
(8x8 images, the copy Debian's python3-sklearn ships) and writes:

  mlp.mlir              the float model in linalg on tensors, weights inline
  data/calib_x.npy      100 training images for calibration
  data/test_x.npy       360 held-out images
  data/test_y.npy       their labels (int32)

Needs python3-numpy and the digits file; only to regenerate the committed
files (the example itself needs neither):

  apt-get download python3-sklearn && dpkg -x python3-sklearn_*.deb /tmp/skl
  python3 examples/mlp/train.py /tmp/skl/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz
"""
import gzip
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def write_npy(path, array):
    array = np.ascontiguousarray(array)
    descr = {np.dtype("float32"): "<f4", np.dtype("int32"): "<i4"}[array.dtype]
    shape = "(" + ", ".join(str(d) for d in array.shape) + ("," if array.ndim == 1 else "") + ")"
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(array.tobytes())


def dense(name, a):
    if a.ndim == 1:
        return "[" + ", ".join(repr(float(v)) for v in a) + "]"
    return "[" + ", ".join(dense(name, r) for r in a) + "]"


def main():
    rows = np.loadtxt(gzip.open(sys.argv[1], "rt"), delimiter=",")
    x = (rows[:, :64] / 16.0).astype(np.float32)
    y = rows[:, 64].astype(np.int32)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(x))
    x, y = x[order], y[order]
    test_x, test_y = x[:360], y[:360]
    train_x, train_y = x[360:], y[360:]

    w1 = (rng.standard_normal((32, 64)) * np.sqrt(2 / 64)).astype(np.float32)
    b1 = np.zeros(32, np.float32)
    w2 = (rng.standard_normal((10, 32)) * np.sqrt(2 / 32)).astype(np.float32)
    b2 = np.zeros(10, np.float32)
    lr = 0.05
    for epoch in range(60):
        perm = rng.permutation(len(train_x))
        for start in range(0, len(perm), 32):
            idx = perm[start:start + 32]
            xb, yb = train_x[idx], train_y[idx]
            h = np.maximum(xb @ w1.T + b1, 0)
            logits = h @ w2.T + b2
            p = np.exp(logits - logits.max(1, keepdims=True))
            p /= p.sum(1, keepdims=True)
            p[np.arange(len(yb)), yb] -= 1
            p /= len(yb)
            gw2, gb2 = p.T @ h, p.sum(0)
            gh = (p @ w2) * (h > 0)
            gw1, gb1 = gh.T @ xb, gh.sum(0)
            w1 -= lr * gw1; b1 -= lr * gb1; w2 -= lr * gw2; b2 -= lr * gb2
    acc = ((np.maximum(test_x @ w1.T + b1, 0) @ w2.T + b2).argmax(1) == test_y).mean()
    print("float accuracy on the held-out set (numpy): %.4f" % acc)

    model = open(os.path.join(HERE, "mlp.template.mlir")).read()
    for name, a in (("W1", w1), ("B1", b1), ("W2", w2), ("B2", b2)):
        model = model.replace("@" + name + "@", dense(name, a))
    open(os.path.join(HERE, "mlp.mlir"), "w").write(model)
    write_npy(os.path.join(HERE, "data", "calib_x.npy"), train_x[:100])
    write_npy(os.path.join(HERE, "data", "test_x.npy"), test_x)
    write_npy(os.path.join(HERE, "data", "test_y.npy"), test_y)


if __name__ == "__main__":
    main()
