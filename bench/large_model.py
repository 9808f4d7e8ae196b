#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Writes a model with LAYERS linear layers of N x K weights (default
4 x 4096 x 6144 = 100.7M parameters) as dense_resource blobs, for measuring
compile-time quantization of large weights:

  bench/large_model.py /tmp/big/model.mlir [--layers 4 --n 4096 --k 6144]
  /usr/bin/time -v build/bin/quant-opt /tmp/big/model.mlir \\
      --quantx-ptq="scheme=w4a16 group-size=128" -o /tmp/big/q.mlir

Results: docs/performance.md.
"""
import argparse
import random
import struct


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--n", type=int, default=4096)
    ap.add_argument("--k", type=int, default=6144)
    a = ap.parse_args()
    rng = random.Random(5)
    # A 1M-value Gaussian block, repeated: realistic value distribution
    # without spending minutes in Python's random module.
    block = struct.pack("<%df" % (1 << 20), *[rng.gauss(0, 0.02) for _ in range(1 << 20)])
    n, k = a.n, a.k
    with open(a.out, "w") as f:
        f.write("func.func @model(%%x: tensor<1x%dxf32>) -> tensor<1x%dxf32> {\n" % (k, k))
        f.write("  %z = arith.constant 0.0 : f32\n")
        cur = "%x"
        for i in range(a.layers):
            din, dout = (k, n) if i % 2 == 0 else (n, k)
            f.write("  %%w%d = arith.constant dense_resource<w%d> : tensor<%dx%dxf32>\n" % (i, i, dout, din))
            f.write("  %%e%d = tensor.empty() : tensor<1x%dxf32>\n" % (i, dout))
            f.write("  %%i%d = linalg.fill ins(%%z : f32) outs(%%e%d : tensor<1x%dxf32>) -> tensor<1x%dxf32>\n" % (i, i, dout, dout))
            f.write("  %%y%d = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] ins(%s, %%w%d : tensor<1x%dxf32>, tensor<%dx%dxf32>) outs(%%i%d : tensor<1x%dxf32>) -> tensor<1x%dxf32>\n"
                    % (i, cur, i, din, dout, din, i, dout, dout))
            cur = "%%y%d" % i
        f.write("  return %s : tensor<1x%dxf32>\n}\n{-#\n  dialect_resources: { builtin: {\n" % (cur, k if a.layers % 2 == 0 else n))
        for i in range(a.layers):
            size = n * k * 4
            # Each layer starts at a different offset: distinct weights.
            shifted = block[i * 4096:] + block[:i * 4096]
            data = (shifted * (size // len(shifted) + 1))[:size]
            f.write("    w%d: \"0x04000000%s\"%s\n" % (i, data.hex().upper(), "," if i + 1 < a.layers else ""))
        f.write("  } }\n#-}\n")


if __name__ == "__main__":
    main()
