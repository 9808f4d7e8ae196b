# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Accuracy of logits (.npy, N x C float32) against labels (.npy, int32),
and, optionally, agreement with a reference model's predictions.

  accuracy.py NAME LOGITS LABELS [REFERENCE_LOGITS]
"""
import struct
import sys


def read_npy(path):
    raw = open(path, "rb").read()
    hlen = struct.unpack("<H", raw[8:10])[0]
    header = eval(raw[10:10 + hlen].decode())
    code = {"<f4": "f", "<i4": "i"}[header["descr"]]
    n = 1
    for d in header["shape"]:
        n *= d
    return header["shape"], struct.unpack("<%d%s" % (n, code), raw[10 + hlen:10 + hlen + 4 * n])


def predictions(path):
    (rows, cols), vals = read_npy(path)
    return [max(range(cols), key=lambda c: vals[r * cols + c]) for r in range(rows)]


name, logits, labels = sys.argv[1:4]
pred = predictions(logits)
_, truth = read_npy(labels)
acc = sum(p == t for p, t in zip(pred, truth)) / len(truth)
line = "%-28s accuracy %6.2f%%" % (name, 100 * acc)
if len(sys.argv) > 4:
    ref = predictions(sys.argv[4])
    same = sum(p == r for p, r in zip(pred, ref)) / len(ref)
    line += "   same prediction as float %6.2f%%" % (100 * same)
print(line)
