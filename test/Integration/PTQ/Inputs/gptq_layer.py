# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""One linear layer with strongly correlated input features, for the GPTQ
test.

  gptq_layer.py gen DIR        DIR/model.mlir, DIR/calib.npy, DIR/test.npy
  gptq_layer.py compare DIR    output error of DIR/rtn and DIR/gptq against DIR/float
"""
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../Tools/Inputs"))
from npytool import read_values, write_rows  # noqa: E402

K, N = 64, 16


def layer_mlir(rows, n, k):
    """@layer(x: ?xK) = x W^T for the N x K weight given as dense rows text."""
    return """func.func @layer(%%x: tensor<?x%dxf32>) -> tensor<?x%dxf32> {
  %%w = arith.constant dense<[%s]> : tensor<%dx%dxf32>
  %%z = arith.constant 0.0 : f32
  %%c0 = arith.constant 0 : index
  %%m = tensor.dim %%x, %%c0 : tensor<?x%dxf32>
  %%e = tensor.empty(%%m) : tensor<?x%dxf32>
  %%i = linalg.fill ins(%%z : f32) outs(%%e : tensor<?x%dxf32>) -> tensor<?x%dxf32>
  %%y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%%x, %%w : tensor<?x%dxf32>, tensor<%dx%dxf32>) outs(%%i : tensor<?x%dxf32>) -> tensor<?x%dxf32> loc("proj")
  return %%y : tensor<?x%dxf32>
}
""" % (k, n, rows, n, k, k, n, n, n, k, n, k, n, n, n)


def gen(d):
    rng = random.Random(3)
    w = [[rng.gauss(0, 1) for _ in range(K)] for _ in range(N)]
    # Inputs from 8 latent factors plus a little noise: the features are
    # highly correlated, which is where GPTQ's error compensation pays off.
    mix = [[rng.gauss(0, 1) for _ in range(K)] for _ in range(8)]

    def sample():
        z = [rng.gauss(0, 1) for _ in range(8)]
        return [sum(z[f] * mix[f][k] for f in range(8)) + 0.1 * rng.gauss(0, 1) for k in range(K)]
    rows = ", ".join("[" + ", ".join(repr(v) for v in r) + "]" for r in w)
    open(d + "/model.mlir", "w").write(layer_mlir(rows, N, K))
    write_rows(d + "/calib.npy", [sample() for _ in range(256)])
    write_rows(d + "/test.npy", [sample() for _ in range(128)])


def compare(d):
    ref = read_values(d + "/float/layer.0.npy")[0]
    power = sum(v * v for v in ref) / len(ref)
    err = {}
    for name in ("rtn", "gptq"):
        out = read_values(d + "/%s/layer.0.npy" % name)[0]
        err[name] = sum((a - b) ** 2 for a, b in zip(out, ref)) / len(ref) / power
        print("%s: relative output MSE %.3g" % (name, err[name]))
    print("gptq better by x%.1f" % (err["rtn"] / err["gptq"]))
    print("ok" if err["gptq"] * 1.5 < err["rtn"] else "FAIL: gptq does not beat rtn by 1.5x")


if __name__ == "__main__":
    (gen if sys.argv[1] == "gen" else compare)(sys.argv[2])
