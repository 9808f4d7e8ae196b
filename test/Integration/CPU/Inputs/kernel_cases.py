# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Vectorized kernels vs the reference lowering, over many shapes and schemes.

  kernel_cases.py DIR QUANT_RUN

writes one model per case (a weight-only quantx.matmul with random codes,
scales, zero points and bias, or an f32 Linear matmul), runs each with
quant-run twice -- the default pipeline (kernels; other reductions kept
sequential) and kernels=false (the reference lowering) -- and compares. The kernels may only reassociate f32
sums, so they must agree within a small tolerance:
  |kernel - reference| <= 1e-5 * sqrt(K) * rms(reference)  (+ 1 ulp for f16)
A decoding or indexing mistake gives errors of the order of rms(reference).
Cases include shapes the kernels do not take (K not a multiple of the
vector step, groups smaller than a step), which must fall back to the
reference lowering and agree exactly.
"""
import math
import os
import random
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "Tools", "Inputs"))
import npytool  # noqa: E402

rng = random.Random(11)


def dense(values, shape, elt):
    def fmt(v):
        return repr(float(v)) if elt.startswith("f") or elt.startswith("bf") else str(int(v))

    def rec(off, dims):
        if not dims:
            return fmt(values[off]), off + 1
        parts = []
        for _ in range(dims[0]):
            s, off = rec(off, dims[1:])
            parts.append(s)
        return "[" + ", ".join(parts) + "]", off

    body = fmt(values[0]) if not shape else rec(0, list(shape))[0]
    ty = "tensor<%s%s>" % ("".join("%dx" % d for d in shape), elt)
    return "arith.constant dense<%s> : %s" % (body, ty), ty


def case_quantized(name, storage, m, n, k, group=None, axis=None, zp=False, bias=False,
                   act="f32", dynamic_m=False, nan_every=0):
    packed = storage in ("i4", "u4", "nf4")
    wcols = k // 2 if packed else k
    if storage.startswith("f8"):
        # Finite FP8 codes: magnitudes below 0x7F (E4M3FN NaN) or 0x7C
        # (E5M2 infinity).
        top = 0x7C if storage == "f8E5M2" else 0x7F
        codes = [rng.choice([1, -1]) * rng.randrange(0, top) for _ in range(n * wcols)]
        codes = [c if c >= 0 else 0x80 | (-c) for c in codes]
        if nan_every:  # NaN codes (E4M3FN S.1111.111, E5M2 S.11111.11)
            codes = [(c | 0x7F) if i % nan_every == 0 else c for i, c in enumerate(codes)]
        codes = [c - 256 if c >= 128 else c for c in codes]
        wtext, wty = dense(codes, (n, wcols), "i8")
        wtext_f8 = "%w = arith.bitcast %wi : " + wty + " to tensor<%dx%dx%s>" % (n, wcols, storage)
    else:
        codes = [rng.randrange(-128, 128) for _ in range(n * wcols)]
        wtext, wty = dense(codes, (n, wcols), "i8")
        wtext_f8 = None
    if group:
        sshape = (n, k // group)
        scheme = "#quantx.scheme<%s, axis = 1, group = %d>" % (storage, group)
    elif axis == 0:
        sshape = (n,)
        scheme = "#quantx.scheme<%s, axis = 0>" % storage
    else:
        sshape = ()
        scheme = "#quantx.scheme<%s>" % storage
    count = 1
    for d in sshape:
        count *= d
    stext, sty = dense([rng.uniform(0.01, 0.1) for _ in range(count)], sshape, "f32")
    lines = ["  %%wi = %s" % wtext if wtext_f8 else "  %%w = %s" % wtext]
    if wtext_f8:
        lines.append("  " + wtext_f8)
        wty = "tensor<%dx%dx%s>" % (n, wcols, storage)
    lines.append("  %%s = %s" % stext)
    operands, types = ["%w", "%s"], [wty, sty]
    clause = "weight(%s scale %%s" % scheme
    if zp:
        lo, hi = (0, 16) if storage == "u4" else (0, 256) if storage == "u8" else (-8, 8) if storage == "i4" else (-128, 128)
        zvals = [rng.randrange(lo, hi) for _ in range(count)]
        if storage == "u8":
            zvals = [z - 256 if z >= 128 else z for z in zvals]
        if storage == "u4":
            zvals = [z - 16 if z >= 8 else z for z in zvals]
        ztext, zty = dense(zvals, sshape, "i4" if packed else "i8")
        lines.append("  %%z = %s" % ztext)
        clause += " zero_point %z"
        types.append(zty)
    clause += ")"
    if bias:
        btext, bty = dense([rng.uniform(-1, 1) for _ in range(n)], (n,), "f32")
        lines.append("  %%b = %s" % btext)
        clause += " bias(%b)"
        types.append(bty)
    mdim = "?" if dynamic_m else str(m)
    xty = "tensor<%sx%dx%s>" % (mdim, k, act)
    yty = "tensor<%sx%dx%s>" % (mdim, n, act)
    text = "func.func @mm(%%x: %s) -> %s {\n%s\n" % (xty, yty, "\n".join(lines))
    text += "  %%y = quantx.matmul %%x, %%w %s : (%s) -> %s\n" % (clause, ", ".join([xty] + types), yty)
    text += "  return %%y : %s\n}\n" % yty
    return name, text, m, k, act


def case_integer(name, m, n, k, lhs="i8", rhs="i8", lhs_zp=False, rhs_zp=False,
                 per_row=False, out=None, raw=False, bias=False):
    """An integer (W8A8) matmul; the input codes are the function argument."""
    wtext, wty = dense([rng.randrange(-128, 128) for _ in range(n * k)], (n, k), "i8")
    lines = ["  %%w = %s" % wtext]
    types = [wty]
    wclause = "weight(#quantx.scheme<%s, axis = 0>" % rhs
    if not raw:
        stext, sty = dense([rng.uniform(0.01, 0.1) for _ in range(n)], (n,), "f32")
        lines.append("  %%ws = %s" % stext)
        wclause += " scale %ws"
        types.append(sty)
    if rhs_zp:
        ztext, zty = dense([rng.randrange(-128, 128) for _ in range(n)], (n,), "i8")
        lines.append("  %%wz = %s" % ztext)
        wclause += " zero_point %wz"
        types.append(zty)
    wclause += ")"
    ashape = (m,) if per_row else ()
    aclause = "input(#quantx.scheme<%s%s>" % (lhs, ", axis = 0" if per_row else "")
    if not raw:
        stext, sty = dense([rng.uniform(0.01, 0.1) for _ in range(m if per_row else 1)], ashape, "f32")
        lines.append("  %%as = %s" % stext)
        aclause += " scale %as"
        types.append(sty)
    if lhs_zp:
        ztext, zty = dense([rng.randrange(-128, 128) for _ in range(m if per_row else 1)], ashape, "i8")
        lines.append("  %%az = %s" % ztext)
        aclause += " zero_point %az"
        types.append(zty)
    aclause += ")"
    clause = wclause + " " + aclause
    # Operand order: ..., output scale, bias (the op's operand order).
    res = "i32" if raw else "f32"
    if bias:
        btext, bty = dense([rng.randrange(-1000, 1000) for _ in range(n)], (n,), "i32")
        lines.append("  %%b = %s" % btext)
        clause += " bias(%b)"
    if out:
        otext, oty = dense([0.5], (), "f32")
        lines.append("  %%os = %s" % otext)
        clause += " output(#quantx.scheme<%s> scale %%os)" % out
        types.append(oty)
        res = "i8"
    if bias:
        types.append(bty)
    xty = "tensor<%dx%dxi8>" % (m, k)
    yty = "tensor<%dx%dx%s>" % (m, n, res)
    text = "func.func @mm(%%x: %s) -> %s {\n%s\n" % (xty, yty, "\n".join(lines))
    text += "  %%y = quantx.matmul %%x, %%w %s : (%s) -> %s\n" % (clause, ", ".join([xty] + types), yty)
    text += "  return %%y : %s\n}\n" % yty
    return name, text, m, k, "i8"


def fp8_codes(count, storage, nan_every=0):
    """Random FP8 codes as signed bytes: all finite magnitudes (subnormals
    included), and a NaN every `nan_every` codes if asked."""
    top = 0x7C if storage == "f8E5M2" else 0x7F
    out = []
    for i in range(count):
        c = rng.randrange(0, top) | (0x80 if rng.random() < 0.5 else 0)
        if nan_every and i % nan_every == nan_every - 1:
            c = 0x7F
        out.append(c - 256 if c >= 128 else c)
    return out


def case_fp8(name, m, n, k, storage="f8E4M3FN", per_channel=False, out=None, nan_every=0):
    """An FP8 x FP8 matmul; the input codes (i8) are the function argument."""
    wtext, wty = dense(fp8_codes(n * k, storage, nan_every), (n, k), "i8")
    f8w = "tensor<%dx%dx%s>" % (n, k, storage)
    lines = ["  %%wi = %s" % wtext, "  %%w = arith.bitcast %%wi : %s to %s" % (wty, f8w)]
    sshape = (n,) if per_channel else ()
    stext, sty = dense([rng.uniform(0.01, 0.1) for _ in range(n if per_channel else 1)], sshape, "f32")
    atext, aty = dense([0.03], (), "f32")
    lines += ["  %%ws = %s" % stext, "  %%as = %s" % atext]
    xty = "tensor<%dx%dxi8>" % (m, k)
    f8x = "tensor<%dx%dx%s>" % (m, k, storage)
    lines.append("  %%xa = arith.bitcast %%x : %s to %s" % (xty, f8x))
    clause = "weight(#quantx.scheme<%s%s> scale %%ws) input(#quantx.scheme<%s> scale %%as)" % (
        storage, ", axis = 0" if per_channel else "", storage)
    types = [f8x, f8w, sty, aty]
    res = "f32"
    if out:
        otext, oty = dense([0.25], (), "f32")
        lines.append("  %%os = %s" % otext)
        clause += " output(#quantx.scheme<%s> scale %%os)" % out
        types.append(oty)
        res = out
    yty = "tensor<%dx%dx%s>" % (m, n, res)
    rty = yty
    text = "func.func @mm(%%x: %s) -> %s {\n%s\n" % (xty, yty if res == "f32" else "tensor<%dx%dxi8>" % (m, n), "\n".join(lines))
    text += "  %%y = quantx.matmul %%xa, %%w %s : (%s) -> %s\n" % (clause, ", ".join(types), yty)
    if res != "f32":
        text += "  %%yi = arith.bitcast %%y : %s to tensor<%dx%dxi8>\n" % (yty, m, n)
        text += "  return %%yi : tensor<%dx%dxi8>\n}\n" % (m, n)
    else:
        text += "  return %%y : %s\n}\n" % rty
    return name, text, m, k, "f8"


def case_shared_input(name, m, n, k):
    """One computed f32 tensor read by a float kernel, an FP8 x FP8 kernel
    (whose input decoding may be bufferized in place) and another float
    kernel after it. (The miscompile this shape once hit is reproduced by
    test/Examples/lm.test; here the kernels must simply agree with the
    reference.)"""
    w1, wty = dense([rng.gauss(0, 1) for _ in range(n * k)], (n, k), "f32")
    w3, _ = dense([rng.gauss(0, 1) for _ in range(n * k)], (n, k), "f32")
    w2, w2ty = dense(fp8_codes(n * k, "f8E4M3FN"), (n, k), "i8")
    xty, yty = "tensor<%dx%dxf32>" % (m, k), "tensor<%dx%dxf32>" % (m, n)
    mm = ("linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, "
          "affine_map<(m, n, k) -> (m, n)>] ins(%%x2, %s : %s, %s) outs(%%i : %s) -> %s")
    text = f"""func.func @mm(%x: {xty}) -> {yty} {{
  %w1 = {w1}
  %w3 = {w3}
  %w2i = {w2}
  %w2 = arith.bitcast %w2i : {w2ty} to tensor<{n}x{k}xf8E4M3FN>
  %s = arith.constant dense<0.05> : tensor<f32>
  %z = arith.constant 0.0 : f32
  %x2 = arith.addf %x, %x : {xty}
  %e = tensor.empty() : {yty}
  %i = linalg.fill ins(%z : f32) outs(%e : {yty}) -> {yty}
  %y1 = {mm % ("%w1", xty, wty, yty, yty)}
  %q = quantx.quantize %x2 as #quantx.scheme<f8E4M3FN> scale(%s : tensor<f32>) : {xty} -> tensor<{m}x{k}xf8E4M3FN>
  %y2 = quantx.matmul %q, %w2 weight(#quantx.scheme<f8E4M3FN> scale %s) input(#quantx.scheme<f8E4M3FN> scale %s) : (tensor<{m}x{k}xf8E4M3FN>, tensor<{n}x{k}xf8E4M3FN>, tensor<f32>, tensor<f32>) -> {yty}
  %y3 = {mm % ("%w3", xty, wty, yty, yty)}
  %a = arith.addf %y1, %y2 : {yty}
  %r = arith.addf %a, %y3 : {yty}
  return %r : {yty}
}}
"""
    return name, text, m, k, "f32"


def case_float(name, m, n, k, kn=False, welt="f32"):
    """y = x W^T with W N x K, or y = x W with W K x N (kn); `welt` bf16 or
    f16: a mixed matmul (f32 input and result), the weight extended."""
    shape = (k, n) if kn else (n, k)
    wtext, wty = dense([rng.gauss(0, 1) for _ in range(n * k)], shape, welt)
    wmap = "(k, n)" if kn else "(n, k)"
    xty, yty = "tensor<%dx%dxf32>" % (m, k), "tensor<%dx%dxf32>" % (m, n)
    text = """func.func @mm(%%x: %s) -> %s {
  %%w = %s
  %%z = arith.constant 0.0 : f32
  %%e = tensor.empty() : %s
  %%i = linalg.fill ins(%%z : f32) outs(%%e : %s) -> %s
  %%y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> %s>, affine_map<(m, n, k) -> (m, n)>] ins(%%x, %%w : %s, %s) outs(%%i : %s) -> %s
  return %%y : %s
}
""" % (xty, yty, wtext, yty, yty, yty, wmap, xty, wty, yty, yty, yty)
    return name, text, m, k, "f32"


CASES = [
    case_quantized("i4_g32_dynamic_m", "i4", 3, 12, 64, group=32, dynamic_m=True),
    case_quantized("i4_g128_bias", "i4", 1, 8, 256, group=128, bias=True),
    case_quantized("u4_g64_zp_rows2", "u4", 2, 6, 128, group=64, zp=True),
    case_quantized("nf4_g64_rows1", "nf4", 1, 5, 128, group=64),
    case_quantized("i4_g16", "i4", 2, 4, 64, group=16),
    case_quantized("i4_g8_fallback", "i4", 2, 4, 64, group=8),
    case_quantized("i4_per_channel", "i4", 2, 8, 96, axis=0),
    case_quantized("i4_n1", "i4", 3, 1, 32, group=32),
    # Constant 4-bit weights with N a multiple of 4 and K of 32 are read
    # in tiles of 4 rows x 16 bytes (several tiles, prefetches past the end);
    # so are 8-bit codes with K a multiple of 16 (i8_g32, the FP8 cases).
    case_quantized("nf4_g64_tiled_m3", "nf4", 3, 8, 128, group=64),
    case_quantized("u4_g32_zp_tiled", "u4", 1, 16, 512, group=32, zp=True),
    # 8-bit codes (int8, FP8) in tiles of 4 rows x 16 codes.
    case_quantized("u8_zp_tiled", "u8", 1, 12, 96, zp=True),
    case_quantized("i8_per_channel", "i8", 2, 3, 40, axis=0),
    case_quantized("u8_per_tensor_zp", "u8", 2, 4, 24, zp=True),
    case_quantized("i8_k36_fallback", "i8", 2, 4, 36, axis=0),
    case_quantized("i8_g32", "i8", 2, 4, 64, group=32),
    case_quantized("f8e4m3_per_channel", "f8E4M3FN", 1, 4, 32, axis=0),
    case_quantized("f8e5m2_per_tensor", "f8E5M2", 2, 4, 16),
    # NaN codes among the weights (subnormal codes are in every FP8 case).
    case_quantized("f8e4m3_nan", "f8E4M3FN", 3, 8, 64, axis=0, nan_every=200),
    case_quantized("f8e5m2_nan", "f8E5M2", 2, 4, 32, group=16, nan_every=100),
    case_quantized("i4_f16", "i4", 2, 4, 64, group=32, act="f16"),
    # 16 or more input rows: weights decoded once into a panel.
    case_quantized("i4_g32_bias_m17_panel", "i4", 17, 6, 64, group=32, bias=True),
    case_quantized("u4_zp_m20_panel", "u4", 20, 4, 128, group=64, zp=True, dynamic_m=True),
    case_quantized("nf4_m16_panel", "nf4", 16, 2, 64, group=64),
    case_quantized("i8_m18_panel", "i8", 18, 3, 32, axis=0),
    case_quantized("f8e4m3_m16_panel_f16", "f8E4M3FN", 16, 4, 32, axis=0, act="f16"),
    case_integer("w8a8_i8", 3, 6, 64),
    case_integer("w8a8_u8_zp_both", 5, 4, 48, lhs="u8", lhs_zp=True, rhs_zp=True),
    case_integer("w8a8_per_row_bias", 4, 8, 32, per_row=True, bias=True),
    case_integer("w8a8_requant_i8", 2, 4, 64, lhs="u8", lhs_zp=True, out="i8", bias=True),
    case_integer("w8a8_raw_u8_weights", 6, 2, 32, rhs="u8", raw=True, lhs_zp=True),
    case_integer("w8a8_k40_fallback", 2, 4, 40),
    # Four byte products per lane (kernel-vnni=1, also run below): every
    # pairing of signedness, K in one and several steps of 4 x 16 bytes.
    case_integer("w8a8_i8_k128", 5, 8, 128),
    case_integer("w8a8_u8xi8_k64", 3, 4, 64, lhs="u8", lhs_zp=True),
    case_integer("w8a8_i8xu8_k128", 2, 6, 128, rhs="u8", rhs_zp=True, bias=True),
    case_integer("w8a8_u8xu8_k192_raw", 6, 4, 192, lhs="u8", rhs="u8", raw=True, lhs_zp=True),
    case_fp8("fp8_e4m3_per_tensor", 3, 4, 32),
    case_fp8("fp8_e4m3_per_channel_nan", 2, 6, 64, per_channel=True, nan_every=97),
    case_fp8("fp8_e5m2", 2, 4, 16, storage="f8E5M2"),
    case_fp8("fp8_requant_e4m3", 4, 4, 32, out="f8E4M3FN"),
    case_fp8("fp8_e4m3_m17_panel_nan", 17, 4, 32, per_channel=True, nan_every=41),
    case_fp8("fp8_e4m3_layer_shaped", 40, 64, 256, per_channel=True),
    case_shared_input("shared_input_fp8_between", 20, 16, 64),
    case_float("f32_linear", 2, 7, 64),
    case_float("f32_linear_k20_fallback", 2, 3, 20),
    # K x N weights (cpu.float_kn): tiles of 1, 2 and 4 vectors of N, the
    # input rows in tiles of m-rows and one at a time.
    case_float("f32_kn", 2, 48, 37, kn=True),
    case_float("f32_kn_m19", 19, 64, 33, kn=True),
    case_float("f32_kn_n128", 5, 128, 16, kn=True),
    # K in several packed chunks (256 rows at 16 lanes, 512 at 8).
    case_float("f32_kn_m17_k520_chunks", 17, 256, 520, kn=True),
    case_float("f32_kn_n20_fallback", 3, 20, 16, kn=True),
    # bf16 and f16 weights with f32 activations (checkpoint weights read
    # as they are stored).
    case_float("bf16_weights", 3, 24, 64, welt="bf16"),
    case_float("bf16_weights_m17", 17, 16, 128, welt="bf16"),
    case_float("f16_weights", 2, 8, 48, welt="f16"),
]


def main():
    d, quant_run = sys.argv[1], sys.argv[2]
    os.makedirs(d, exist_ok=True)
    worst = 0.0
    for name, text, m, k, act in CASES:
        model = os.path.join(d, name + ".mlir")
        with open(model, "w") as f:
            f.write(text)
        x = os.path.join(d, name + ".x.npy")
        if act == "i8":
            npytool.write_array(x, [rng.randrange(-128, 128) for _ in range(m * k)], (m, k), "i1")
        elif act == "f8":
            npytool.write_array(x, fp8_codes(m * k, "f8E5M2" if "e5m2" in name else "f8E4M3FN"),
                                (m, k), "i1")
        else:
            npytool.write_array(x, [rng.uniform(-1, 1) for _ in range(m * k)], (m, k),
                                "f2" if act == "f16" else "f4")
        outs = {}
        # The kernel runs keep the sums outside the kernels sequential
        # (reassociate-reductions=0), so that a fallback to the reference
        # lowering shows as an exact match.
        strict = "reassociate-reductions=0"
        modes = [("kernels", ["--pipeline-options=" + strict]),
                 ("reference", ["--pipeline-options=kernels=false"])]
        if act == "i8":  # integer kernels also with four byte products per lane
            modes.append(("vnni", ["--pipeline-options=kernel-vnni=1 " + strict]))
        for mode, opts in modes:
            o = os.path.join(d, name + "." + mode)
            subprocess.run([quant_run, model, "-e", "mm", "-i", x, "-o", o] + opts,
                           check=True, capture_output=True)
            outs[mode], _ = npytool.read_values(os.path.join(o, "mm.0.npy"))
        if "vnni" in outs and outs["vnni"] != outs["reference"]:
            print("%-26s MISMATCH (kernel-vnni=1 differs from the reference)" % name)
            continue
        ker, ref = outs["kernels"], outs["reference"]
        # NaNs must be in the same places; the rest is compared.
        if any((a != a) != (b != b) for a, b in zip(ker, ref)):
            print("%-26s MISMATCH (NaN positions differ)" % name)
            continue
        pairs = [(a, b) for a, b in zip(ker, ref) if a == a]
        ker, ref = [a for a, _ in pairs], [b for _, b in pairs]
        rms = math.sqrt(sum(v * v for v in ref) / len(ref)) or 1.0
        err = max(abs(a - b) for a, b in zip(ker, ref))
        tol = 1e-5 * math.sqrt(k) * rms
        if act == "f16":
            tol += max(abs(v) for v in ref) * 2.0 ** -10
        if act == "i8":
            tol = 0.0  # integer matmuls: the same epilogue on an exact sum
        if "requant" in name and act == "f8":
            tol = 1  # FP8 codes (as bytes): a reassociated sum may round to the next code
        ok = err <= tol  # False for NaN: non-finite results are a failure
        worst = max(worst, err / tol if tol else 0.0)
        exact = "exact" if err == 0 else "within tolerance"
        print("%-26s %s %s" % (name, "ok" if ok else "MISMATCH", exact if ok else
                               "(max error %g, tolerance %g)" % (err, tol)))
    print("cases: %d" % len(CASES))


if __name__ == "__main__":
    main()
