# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Independent reference for the PTQ flow on one linear layer.

  ptq_ref.py gen DIR            writes DIR/model.mlir (y = x * W^T) and DIR/x.npy
  ptq_ref.py check DIR SCHEME   compares DIR/fq/*.npy (fake-quant model) and
                                DIR/q/*.npy (quantized model) with values
                                computed here from the definitions, in f32

Every f32 operation is emulated by rounding the exact double result to f32,
which is correctly rounded for +, -, *, / of f32 operands.
"""
import math
import random
import struct
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../Tools/Inputs"))
from npytool import read_values, write_array, write_rows  # noqa: E402

M, N, K = 3, 4, 16
NF4 = [-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
       -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
       0.07958029955625534, 0.16093020141124725, 0.24611230194568634,
       0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
       0.7229568362236023, 1.0]


def f(x):
    return struct.unpack("f", struct.pack("f", x))[0]


NF4 = [f(c) for c in NF4]
MIN_SCALE = 1.1920928955078125e-07


def data():
    rng = random.Random(7)
    w = [[rng.randint(-128, 128) / 64.0 for _ in range(K)] for _ in range(N)]
    x = [[rng.randint(-128, 128) / 32.0 for _ in range(K)] for _ in range(M)]
    return w, x


def read_npy(path):
    return read_values(path)[0]


def gen(d):
    w, x = data()
    rows = ", ".join("[" + ", ".join(repr(v) for v in r) + "]" for r in w)
    with open(d + "/model.mlir", "w") as fh:
        fh.write("""func.func @linear(%%x: tensor<?x%d xf32>) -> tensor<?x%dxf32> {
  %%w = arith.constant dense<[%s]> : tensor<%dx%dxf32>
  %%z = arith.constant 0.0 : f32
  %%c0 = arith.constant 0 : index
  %%m = tensor.dim %%x, %%c0 : tensor<?x%dxf32>
  %%e = tensor.empty(%%m) : tensor<?x%dxf32>
  %%i = linalg.fill ins(%%z : f32) outs(%%e : tensor<?x%dxf32>) -> tensor<?x%dxf32>
  %%y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%%x, %%w : tensor<?x%dxf32>, tensor<%dx%dxf32>) outs(%%i : tensor<?x%dxf32>) -> tensor<?x%dxf32>
  return %%y : tensor<?x%dxf32>
}
""".replace("%d xf32", "%dxf32") % (K, N, rows, N, K, K, N, N, N, K, N, K, N, N, N))
    write_rows(d + "/x.npy", x)


def quant_int(v, s, qmin, qmax):
    return max(qmin, min(qmax, round(f(v / s))))


def nf4_code(v, s):
    r = f(v / s)
    return sum(1 for j in range(15) if r > f((NF4[j] + NF4[j + 1]) * 0.5))


def weight_dequant(w, scheme):
    """Dequantized weights (f32) and integer codes, as the passes make them."""
    deq = [[0.0] * K for _ in range(N)]
    codes = [[0] * K for _ in range(N)]
    for n in range(N):
        if scheme in ("w4a16", "w4a16-asym", "w4a16-nf4", "w4a16-nf4-dq"):
            g = 8 if scheme.startswith("w4a16-nf4") else 4
            groups = [range(i, i + g) for i in range(0, K, g)]
        else:
            groups = [range(K)]
        for grp in groups:
            if scheme == "w4a16-asym":
                # Range widened to contain 0, 16 levels, zero point per group.
                lo = min(0.0, min(w[n][k] for k in grp))
                hi = max(0.0, max(w[n][k] for k in grp))
                s = f(max((hi - lo) / 15.0, MIN_SCALE))
                zp = max(0, min(15, 0 - round(lo / s)))
                for k in grp:
                    q = max(0, min(15, round(f(w[n][k] / s)) + zp))
                    deq[n][k] = f((q - zp) * s)
                    codes[n][k] = q
                continue
            amax = max(abs(w[n][k]) for k in grp)
            qmax = {"w4a16": 7.0, "w4a16-nf4": 1.0, "w4a16-nf4-dq": 1.0}.get(scheme, 127.0)
            s = f(max(amax / qmax, MIN_SCALE))
            if scheme == "w4a16-nf4-dq":
                # Double quantization: the row's block scales (K / 8 = 2 of
                # them, one block) as u8 codes >= 1 with scale max / 255.
                row_scales = [f(max(max(abs(w[n][k]) for k in range(i, i + g)), MIN_SCALE))
                              for i in range(0, K, g)]
                s2 = f(max(max(row_scales) / 255.0, MIN_SCALE))
                code = max(1, min(255, round(f(s / s2))))
                s = f(code * s2)
            for k in grp:
                if scheme == "w4a16":
                    q = quant_int(w[n][k], s, -8, 7)
                    deq[n][k] = f(q * s)
                elif scheme.startswith("w4a16-nf4"):
                    q = nf4_code(w[n][k], s)
                    deq[n][k] = f(NF4[q] * s)
                else:
                    q = quant_int(w[n][k], s, -128, 127)
                    deq[n][k] = f(q * s)
                codes[n][k] = q
            if scheme in ("w8a8", "w8a8-dynamic"):
                weight_scale = s
    return deq, codes, (weight_scale if scheme.startswith("w8a8") else None)


def per_channel_scales(w):
    return [f(max(max(abs(v) for v in row) / 127.0, MIN_SCALE)) for row in w]


def group_scaled(w, x, scheme):
    """w4a8-dynamic (int4 weights per group of 4) and w8a8-dynamic-group
    (int8 weights per channel): activations int8 per row and group of G
    (4, resp. 8) along K, scale absmax / 127 at run time. The fake-quant
    model sums the dequantized products in f32; the quantized one sums
    each group exactly in integers, then f32(acc_g) * (sa_g * sw_g) over
    the groups in order."""
    g = 4 if scheme == "w4a8-dynamic" else 8
    deq, codes, _ = weight_dequant(w, "w4a16" if scheme == "w4a8-dynamic" else "w8a8")
    if scheme == "w4a8-dynamic":
        sw = [[f(max(max(abs(w[n][k]) for k in range(i, i + g)) / 7.0, MIN_SCALE))
               for i in range(0, K, g)] for n in range(N)]
    else:
        sw = [[s] * (K // g) for s in per_channel_scales(w)]
    ref_fq, ref_q = [], []
    for m in range(M):
        sa = [f(max(max(abs(x[m][k]) for k in range(i, i + g)) / 127.0, MIN_SCALE))
              for i in range(0, K, g)]
        aq = [quant_int(x[m][k], sa[k // g], -128, 127) for k in range(K)]
        adq = [f(aq[k] * sa[k // g]) for k in range(K)]
        for n in range(N):
            acc = 0.0
            for k in range(K):
                acc = f(acc + f(adq[k] * deq[n][k]))
            ref_fq.append(acc)
            y = 0.0
            for i in range(K // g):
                iacc = sum(aq[k] * codes[n][k] for k in range(i * g, i * g + g))
                y = f(y + f(f(float(iacc)) * f(sa[i] * sw[n][i])))
            ref_q.append(y)
    return ref_fq, ref_q


def check(d, scheme):
    w, x = data()
    fq = read_npy(d + "/fq/linear.0.npy")
    q = read_npy(d + "/q/linear.0.npy")
    if scheme in ("w4a8-dynamic", "w8a8-dynamic-group"):
        ref_fq, ref_q = group_scaled(w, x, scheme)
        deq = None
    else:
        deq, codes, _ = weight_dequant(w, scheme)
    if deq is None:
        pass
    elif scheme in ("w8a8", "w8a8-dynamic"):
        # Per-tensor activation scale: absmax / 127 over the whole batch.
        sa = f(max(max(abs(v) for r in x for v in r) / 127.0, MIN_SCALE))
        aq = [[quant_int(v, sa, -128, 127) for v in r] for r in x]
        adq = [[f(v * sa) for v in r] for r in aq]
        sw = per_channel_scales(w)
        ref_fq, ref_q = [], []
        for m in range(M):
            for n in range(N):
                acc = 0.0
                for k in range(K):
                    acc = f(acc + f(adq[m][k] * deq[n][k]))
                ref_fq.append(acc)
                iacc = sum(aq[m][k] * codes[n][k] for k in range(K))
                ref_q.append(f(f(float(iacc)) * f(sa * sw[n])))
    else:
        ref_fq = []
        for m in range(M):
            for n in range(N):
                acc = 0.0
                for k in range(K):
                    acc = f(acc + f(x[m][k] * deq[n][k]))
                ref_fq.append(acc)
        ref_q = ref_fq
    ok = True
    for name, got, want in (("fake-quant", fq, ref_fq), ("quantized", q, ref_q)):
        bad = [(i, g, e) for i, (g, e) in enumerate(zip(got, want)) if g != e]
        if bad or len(got) != len(want):
            print("MISMATCH", name, bad[:4])
            ok = False
        else:
            print("exact", name, len(got), "values")
    # And the quantization error against the float model is small.
    ref_float = []
    for m in range(M):
        for n in range(N):
            acc = 0.0
            for k in range(K):
                acc = f(acc + f(x[m][k] * w[n][k]))
            ref_float.append(acc)
    err = max(abs(a - b) for a, b in zip(q, ref_float))
    scale = max(abs(v) for v in ref_float)
    print("relative error vs float: %s" % ("small" if err / scale < 0.1 else "LARGE %g" % (err / scale)))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    else:
        check(sys.argv[2], sys.argv[3])
