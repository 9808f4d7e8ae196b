# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""A two-layer model whose hidden activation has outlier channels, for the
SmoothQuant test.

  outliers.py gen DIR        DIR/model.mlir, DIR/calib.npy, DIR/test.npy
  outliers.py compare DIR [LABEL]   output error of DIR/rtn and DIR/sq (the
                                   algorithm LABEL) against DIR/float, and
                                   DIR/smoothed (rescaled, unquantized) too
"""
import random
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../Tools/Inputs"))
from npytool import read_values, write_array, write_rows  # noqa: E402

D, H, O = 16, 16, 8


def read_npy(path):
    return read_values(path)[0]


def mat(rows):
    return "[" + ", ".join("[" + ", ".join(repr(v) for v in r) + "]" for r in rows) + "]"


def gen(d):
    rng = random.Random(11)
    w1 = [[rng.randint(-32, 32) / 64.0 for _ in range(D)] for _ in range(H)]
    # Hidden channels 3 and 9 are outliers (x40), as in LLM activations.
    for ch in (3, 9):
        w1[ch] = [v * 40 for v in w1[ch]]
    b1 = [rng.randint(0, 16) / 64.0 for _ in range(H)]
    w2 = [[rng.randint(-32, 32) / 64.0 for _ in range(H)] for _ in range(O)]
    text = """
func.func @model(%x: tensor<?x@D@xf32>) -> tensor<?x@O@xf32> {
  %w1 = arith.constant dense<@W1@> : tensor<@H@x@D@xf32>
  %b1 = arith.constant dense<[@B1@]> : tensor<@H@xf32>
  %w2 = arith.constant dense<@W2@> : tensor<@O@x@H@xf32>
  %z = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %m = tensor.dim %x, %c0 : tensor<?x@D@xf32>
  %e1 = tensor.empty(%m) : tensor<?x@H@xf32>
  %i1 = linalg.fill ins(%z : f32) outs(%e1 : tensor<?x@H@xf32>) -> tensor<?x@H@xf32>
  %h = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w1 : tensor<?x@D@xf32>, tensor<@H@x@D@xf32>) outs(%i1 : tensor<?x@H@xf32>) -> tensor<?x@H@xf32> loc("fc1")
  %a = linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n)>, affine_map<(m, n) -> (n)>, affine_map<(m, n) -> (m, n)>],
                       iterator_types = ["parallel", "parallel"]}
       ins(%h, %b1 : tensor<?x@H@xf32>, tensor<@H@xf32>) outs(%e1 : tensor<?x@H@xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    %r = arith.maximumf %s, %z : f32
    linalg.yield %r : f32
  } -> tensor<?x@H@xf32>
  %e2 = tensor.empty(%m) : tensor<?x@O@xf32>
  %i2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<?x@O@xf32>) -> tensor<?x@O@xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%a, %w2 : tensor<?x@H@xf32>, tensor<@O@x@H@xf32>) outs(%i2 : tensor<?x@O@xf32>) -> tensor<?x@O@xf32> loc("fc2")
  return %y : tensor<?x@O@xf32>
}
"""
    for key, val in (("@D@", str(D)), ("@H@", str(H)), ("@O@", str(O)), ("@W1@", mat(w1)),
                     ("@B1@", ", ".join(repr(v) for v in b1)), ("@W2@", mat(w2))):
        text = text.replace(key, val)
    open(d + "/model.mlir", "w").write(text)
    x = [[rng.gauss(0, 1) for _ in range(D)] for _ in range(128)]
    write_rows(d + "/calib.npy", x[:64])
    write_rows(d + "/test.npy", x[64:])


def compare(d, label="smoothquant"):
    ref = read_npy(d + "/float/model.0.npy")
    power = sum(v * v for v in ref) / len(ref)
    errs = {}
    for name in ("rtn", "sq"):
        out = read_npy(d + "/%s/model.0.npy" % name)
        errs[name] = sum((a - b) ** 2 for a, b in zip(out, ref)) / len(ref) / power
        print("%s: relative output MSE %.3g" % (name, errs[name]))
    print("%s better by x%.1f" % (label, errs["rtn"] / errs["sq"]))
    # Smoothing alone is an exact rewrite up to float rounding.
    smoothed = read_npy(d + "/smoothed/model.0.npy")
    scale = max(abs(v) for v in ref)
    diff = max(abs(a - b) for a, b in zip(smoothed, ref)) / scale
    print("smoothed float model matches the float model" if diff < 1e-5 else
          "FAIL: smoothing changed the float model by %g" % diff)
    print("ok" if errs["sq"] * 2 < errs["rtn"] else "FAIL: %s does not beat rtn by 2x" % label)


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    else:
        compare(*sys.argv[2:])
