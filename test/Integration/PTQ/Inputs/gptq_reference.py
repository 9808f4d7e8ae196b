# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""GPTQ checked against a NumPy implementation written from the paper
(Frantar et al. 2022, Algorithm 1 without lazy batches), on a layer large
enough for the solver's blocked paths (K = 320: column blocks of 128, 128
and 64; groups of 64).

  gptq_reference.py gen DIR            DIR/model.mlir, calib.npy, test.npy
  gptq_reference.py check DIR STATS    compares DIR/gptq/layer.0.npy with
                                       test @ W_gptq^T (W_gptq from STATS)
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gptq_layer import layer_mlir  # noqa: E402

K, N, G = 320, 24, 64


def gen(d):
    rng = np.random.default_rng(7)
    w = rng.standard_normal((N, K)).astype(np.float32)
    mix = rng.standard_normal((12, K))

    def sample(n):
        return (rng.standard_normal((n, 12)) @ mix + 0.1 * rng.standard_normal((n, K))).astype(np.float32)
    rows = ", ".join("[" + ", ".join(repr(float(v)) for v in r) + "]" for r in w)
    open(d + "/model.mlir", "w").write(layer_mlir(rows, N, K))
    np.save(d + "/calib.npy", sample(512))
    np.save(d + "/test.npy", sample(64))
    np.save(d + "/w.npy", w)


def check(d, stats):
    obs = json.load(open(stats))["observers"][0]["second_moment"]
    h = np.array(obs["values"], dtype=np.float64).reshape(K, K)
    w = np.load(d + "/w.npy").astype(np.float64)
    dead = np.diag(h) == 0
    h[dead, dead] = 1
    w[:, dead] = 0
    h += 0.01 * np.mean(np.diag(h)) * np.eye(K)
    u = np.linalg.cholesky(np.linalg.inv(h)).T  # upper, H^-1 = U^T U
    scale = np.zeros(N, dtype=np.float32)
    for j in range(K):
        if j % G == 0:
            m = np.abs(w[:, j:j + G]).max(axis=1)
            scale = np.maximum(m / 7.0, 2.0 ** -23).astype(np.float32)
        q = np.clip(np.rint(w[:, j].astype(np.float32) / scale), -8, 7).astype(np.float64) * scale
        e = (w[:, j] - q) / u[j, j]
        w[:, j + 1:] -= np.outer(e, u[j, j + 1:])
        w[:, j] = q
    x = np.load(d + "/test.npy").astype(np.float64)
    ref = x @ w.T
    out = np.load(d + "/gptq/layer.0.npy").astype(np.float64)
    rtn = np.load(d + "/rtn/layer.0.npy").astype(np.float64)
    rel = np.abs(out - ref).max() / np.abs(ref).max()
    rel_rtn = np.abs(rtn - ref).max() / np.abs(ref).max()
    print("max relative difference from the reference GPTQ: %.2g (RTN: %.2g)" % (rel, rel_rtn))
    print("ok" if rel < 1e-4 < rel_rtn else "FAIL")


if __name__ == "__main__":
    gen(sys.argv[2]) if sys.argv[1] == "gen" else check(sys.argv[2], sys.argv[3])
