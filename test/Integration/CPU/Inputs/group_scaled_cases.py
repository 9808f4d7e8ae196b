# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Group-scaled integer quantx.matmul (W4A8 / W8A8 with scales per group of
G along K) against NumPy.

  group_scaled_cases.py DIR QUANT_RUN [KERNEL_PIPELINE_OPTIONS]

Each case is a model with constant weight codes, scales and zero points and
the input codes as the argument. NumPy computes the documented semantics on
its own: exact group sums acc[m, n, g] = sum (a - za) (w - zw) (int64),
then y = sum_g f32(acc) * f32(sa * sw) in f32, in increasing g from zero,
plus the float bias, rounded to the result type. The reference lowering
(kernels=false) must equal it bit for bit; the default pipeline (kernels
where they apply) may reassociate the f32 sum over groups and the scaling
of a group's partial sums:
  |kernels - numpy| <= 1e-5 * sqrt(K / G) * rms(numpy)  (+ 1 ulp for f16)
"""
import os
import subprocess
import sys

import numpy as np

rng = np.random.default_rng(5)


def const(name, values, elt):
    values = np.asarray(values)
    shape = "".join("%dx" % d for d in values.shape)
    if elt.startswith("f"):
        body = np.array2string(values.astype(np.float64), separator=", ", threshold=1 << 30,
                               floatmode="unique", max_line_width=1 << 30)
    else:
        body = np.array2string(values.astype(np.int64), separator=", ", threshold=1 << 30,
                               max_line_width=1 << 30)
    ty = "tensor<%s%s>" % (shape, elt)
    return "  %%%s = arith.constant dense<%s> : %s" % (name, body, ty), ty


def codes(storage, shape):
    lo, hi = {"i8": (-128, 128), "u8": (0, 256), "i4": (-8, 8), "u4": (0, 16)}[storage]
    return rng.integers(lo, hi, size=shape)


def pack(c):
    """4-bit codes (N x K) to N x K/2 bytes, low nibble first, as i8."""
    c = (c & 0xF).astype(np.int64)
    b = c[:, 0::2] | (c[:, 1::2] << 4)
    return np.where(b >= 128, b - 256, b)


def scheme(storage, gran, group):
    if gran == "group":
        return "#quantx.scheme<%s, axis = 1, group = %d>" % (storage, group)
    if gran == "row":
        return "#quantx.scheme<%s, axis = 0>" % storage
    return "#quantx.scheme<%s>" % storage


def param_shape(gran, rows, k, group):
    return {"group": (rows, k // group), "row": (rows,), "tensor": ()}[gran]


def expand(p, gran, rows, groups):
    """A scale or zero point as rows x groups."""
    p = np.asarray(p)
    if gran == "group":
        return p
    if gran == "row":
        return np.repeat(p[:, None], groups, axis=1)
    return np.full((rows, groups), p)


def case(name, m, n, k, group, w="i4", wgran="group", a="i8", agran="group", wzp=False,
         azp=False, bias=False, res="f32", dynamic_m=False):
    groups = k // group
    wc, ac = codes(w, (n, k)), codes(a, (m, k))
    ws = rng.uniform(0.001, 0.05, size=param_shape(wgran, n, k, group)).astype(np.float32)
    as_ = rng.uniform(0.001, 0.05, size=param_shape(agran, m, k, group)).astype(np.float32)
    lines, types = [], []
    packed = w in ("i4", "u4")
    text, ty = const("w", pack(wc) if packed else wc, "i8")
    lines.append(text)
    wclause = "weight(%s scale %%ws" % scheme(w, wgran, group)
    text, wsty = const("ws", ws, "f32")
    lines.append(text)
    types.append(ty)
    types.append(wsty)
    zw = np.zeros((n, groups), np.int64)
    if wzp:
        z = codes(w, param_shape(wgran, n, k, group))
        text, zty = const("wz", z, "i4" if packed else "i8")
        if not packed and w == "u8":
            text, zty = const("wz", np.where(z >= 128, z - 256, z), "i8")
        lines.append(text)
        wclause += " zero_point %wz"
        types.append(zty)
        zw = expand(z, wgran, n, groups)
    wclause += ")"
    aclause = "input(%s scale %%as" % scheme(a, agran, group)
    text, asty = const("as", as_, "f32")
    lines.append(text)
    types.append(asty)
    za = np.zeros((m, groups), np.int64)
    if azp:
        z = codes(a, param_shape(agran, m, k, group))
        text, zty = const("az", np.where(z >= 128, z - 256, z), "i8")
        lines.append(text)
        aclause += " zero_point %az"
        types.append(zty)
        za = expand(z, agran, m, groups)
    aclause += ")"
    clause = wclause + " " + aclause
    b = None
    if bias:
        b = rng.uniform(-1, 1, size=(n,)).astype(np.float32)
        text, bty = const("b", b, "f32")
        lines.append(text)
        clause += " bias(%b)"
        types.append(bty)
    mdim = "?" if dynamic_m else str(m)
    xty = "tensor<%sx%dxi8>" % (mdim, k)
    yty = "tensor<%sx%dx%s>" % (mdim, n, res)
    model = "func.func @mm(%%x: %s) -> %s {\n%s\n" % (xty, yty, "\n".join(lines))
    model += "  %%y = quantx.matmul %%x, %%w %s : (%s) -> %s\n" % (
        clause, ", ".join([xty] + types), yty)
    model += "  return %%y : %s\n}\n" % yty

    # NumPy: exact group sums, then the f32 sum over groups in order.
    a3 = ac.reshape(m, groups, group) - za[:, :, None]
    w3 = wc.reshape(n, groups, group) - zw[:, :, None]
    acc = np.einsum("mgj,ngj->mng", a3, w3)
    sa = expand(as_, agran, m, groups).astype(np.float32)
    sw = expand(ws, wgran, n, groups).astype(np.float32)
    y = np.zeros((m, n), np.float32)
    for g in range(groups):
        scale = (sa[:, g][:, None] * sw[:, g][None, :]).astype(np.float32)
        y = (y + acc[:, :, g].astype(np.float32) * scale).astype(np.float32)
    if b is not None:
        y = (y + b[None, :]).astype(np.float32)
    if res == "f16":
        y = y.astype(np.float16)
    elif res == "bf16":
        # Round to nearest even on the upper 16 bits (no NaNs here).
        u = y.view(np.uint32).astype(np.uint64)
        u = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)
        y = u
    x = np.where(ac >= 128, ac - 256, ac).astype(np.int8)
    return name, model, x, y, k // group


CASES = [
    case("w4a8_g32", 3, 5, 128, 32),
    case("w4a8_g128_dynamic_m", 4, 8, 256, 128, dynamic_m=True),
    case("w4a8_u4_zp_u8_zp_g64_bias_f16", 2, 4, 128, 64, w="u4", wzp=True, a="u8", azp=True,
         bias=True, res="f16"),
    case("w8a8_channel_weights_group_input", 5, 3, 96, 32, w="i8", wgran="row"),
    case("w8a8_group_weights_tensor_input_zp", 2, 6, 64, 16, w="i8", a="u8", agran="tensor",
         azp=True),
    case("w4a8_row_input_g16", 17, 4, 64, 16, agran="row"),
    # Shapes and kinds for the vectorized kernel: tiles of several input
    # rows, a bias and a bf16 result, unsigned weights (no offset), 8-bit
    # weights per group, a layer-sized call on several threads.
    case("w4a8_g64_m17_bias_bf16", 17, 12, 256, 64, bias=True, res="bf16"),
    case("w4a8_u4_g128_tensor_input", 3, 8, 384, 128, w="u4", agran="tensor"),
    case("w8a8_u8_weights_g32", 4, 6, 128, 32, w="u8"),
    case("w8a8_i8_weights_g64_row_input", 6, 10, 192, 64, w="i8", agran="row"),
    case("w4a8_g128_layer", 5, 256, 2048, 128),
]


def main():
    d, quant_run = sys.argv[1], sys.argv[2]
    # e.g. cpu-features=avx2: the kernels as an AVX2-only machine runs them.
    kernel_opts = ["--pipeline-options=" + sys.argv[3]] if len(sys.argv) > 3 else []
    os.makedirs(d, exist_ok=True)
    for name, model, x, want, groups in CASES:
        path = os.path.join(d, name + ".mlir")
        with open(path, "w") as f:
            f.write(model)
        xpath = os.path.join(d, name + ".x.npy")
        np.save(xpath, x)
        results = []
        for mode, opts in (("reference", ["--pipeline-options=kernels=false"]),
                           ("kernels", kernel_opts)):
            out = os.path.join(d, name + "." + mode)
            subprocess.run([quant_run, path, "-e", "mm", "-i", xpath, "-o", out] + opts,
                           check=True, capture_output=True)
            got = np.load(os.path.join(out, "mm.0.npy"))
            if got.dtype.kind == "V" or (want.dtype == np.uint16 and got.dtype.itemsize == 2):
                got = got.view(np.uint16)
            if got.dtype != want.dtype or got.shape != want.shape:
                results.append("%s MISMATCH (%s %s, want %s %s)" % (
                    mode, got.dtype, got.shape, want.dtype, want.shape))
                continue
            if mode == "reference":
                diff = int(np.count_nonzero(got.view(np.uint8) != want.view(np.uint8)))
                results.append("%s %s" % (mode, "exact" if diff == 0 else
                                          "MISMATCH (%d bytes differ)" % diff))
                continue
            as64 = lambda v: ((v.astype(np.uint32) << 16).view(np.float32).astype(np.float64)
                              if v.dtype == np.uint16 else v.astype(np.float64))
            w32, g32 = as64(want), as64(got)
            rms = float(np.sqrt(np.mean(w32 * w32))) or 1.0
            tol = 1e-5 * np.sqrt(groups) * rms
            if want.dtype == np.float16:
                tol += float(np.max(np.abs(w32))) * 2.0 ** -10
            if want.dtype == np.uint16:  # bf16
                tol += float(np.max(np.abs(w32))) * 2.0 ** -7
            err = float(np.max(np.abs(g32 - w32)))
            results.append("%s %s" % (mode, ("exact" if err == 0 else "within tolerance")
                                      if err <= tol else
                                      "MISMATCH (max error %g, tolerance %g)" % (err, tol)))
        print("%-40s %s" % (name, ", ".join(results)))


if __name__ == "__main__":
    main()
