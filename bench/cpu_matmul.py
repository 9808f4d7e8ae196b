#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""CPU benchmark of quantized matmuls against the f32 baseline, in one run.

  python3 bench/cpu_matmul.py            # the LLM-layer shapes of issue 5
  python3 bench/cpu_matmul.py --quick    # small shapes (the test suite)

For each shape (M, N, K) it writes a one-layer model `y = x W^T` with f32
weights, quantizes it with `quant-opt --quantx-ptq` for each scheme, and
times `quant-run` (median of several calls, threads on: the default of
quant-run; repeated in --rounds interleaved rounds, median of those) with
the vectorized kernels and, for the smaller shapes, with the reference
lowering (`kernels=false`, one round). It measures the machine's memory
bandwidth in the same run (bench/stream.c, OpenMP, STREAM-style) and prints
a Markdown table: median time, GB/s of bytes read (weights, scales,
activations), fraction of the measured bandwidth, GFLOP/s (2 M N K per
call), speed-up over the f32 kernel and over the reference lowering.

With python3-torch installed, PyTorch runs the same shapes as peers
(bench/torch_matmul.py: f32 linear, bf16 linear through oneDNN, dynamic
int8 Linear), in the same interleaved rounds; their "vs f32 kernel" column
compares them with quant-opt's f32 kernel.

The measured bandwidth is the best of STREAM read, copy and triad and the
f32 kernel's own rate on the largest matrix-vector shape (a GEMV that
streams its weights once is itself a read-bandwidth probe).
"""
import argparse
import json
import os
import random
import re
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD_DIR", os.path.join(ROOT, "build"))
BIN = os.path.join(BUILD, "bin")
CLANG = os.environ.get("CLANG", "/usr/lib/llvm-22/bin/clang")
OMP_LIB_DIR = "/usr/lib/llvm-22/lib"

# scheme -> (quant-ptq options or None for f32, weight bits per value,
#            scale bytes per weight row of K values as a function of K)
SCHEMES = [
    ("f32", None),
    ("f32-kn", None),  # the same f32 weights stored K x N (plain linalg.matmul)
    ("w8a16", "scheme=w8a16"),
    ("w4a16-g128", "scheme=w4a16 group-size=128"),
    ("w4a16-nf4-g64", "scheme=w4a16-nf4 group-size=64"),
    ("w8a8-dynamic", "scheme=w8a8-dynamic"),
    # The same model with the 16-bit pair kernel (vpmaddwd) instead of four
    # byte products per lane (vpdpbusd), where the CPU has VNNI.
    ("w8a8-dynamic-pairs", "scheme=w8a8-dynamic"),
    ("fp8", "scheme=fp8 stats={stats}"),
    # int4 weights x int8 activations, both scaled per group of 128 (the
    # activations quantized at run time): integer dot products per group.
    ("w4a8-dynamic-g128", "scheme=w4a8-dynamic group-size=128"),
]

# Pipeline options of quant-run for a scheme (default: none).
RUN_OPTIONS = {"w8a8-dynamic-pairs": "kernel-vnni=0"}

# Peers: PyTorch (Debian's python3-torch) on the same shape, timed in a
# fresh process per measurement by bench/torch_matmul.py (kind there).
TORCH_SCHEMES = {"torch-f32": "f32", "torch-bf16": "bf16", "torch-int8-dynamic": "int8-dynamic"}


def have_torch():
    return subprocess.run([sys.executable, "-c", "import torch"], capture_output=True).returncode == 0


def time_torch(kind, m, n, k, iters, warmup):
    out = run([sys.executable, os.path.join(ROOT, "bench", "torch_matmul.py"), kind, str(m),
               str(n), str(k), str(iters), str(warmup), "2"]).stdout
    return float(re.search(r"median ([0-9.]+) ms", out).group(1)) / 1e3

FULL_SHAPES = [(1, 4096, 4096), (1, 11008, 4096), (1, 4096, 11008),
               (8, 4096, 4096), (16, 4096, 4096), (128, 4096, 4096), (512, 4096, 4096)]
QUICK_SHAPES = [(1, 256, 512), (4, 128, 256)]


def write_npy(path, rows, cols, rng):
    vals = [rng.gauss(0, 1) for _ in range(rows * cols)]
    hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (rows, cols)
    hdr += " " * (63 - len(hdr) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr.encode())
        f.write(struct.pack("<%df" % len(vals), *vals))


def write_model(path, m, n, k, block, kn=False):
    """y = x W^T with W N x K (Linear layout), or y = x W with W K x N."""
    size = n * k * 4
    data = (block * (size // len(block) + 1))[:size]
    t = lambda r, c: "tensor<%dx%dxf32>" % (r, c)
    wt = t(k, n) if kn else t(n, k)
    with open(path, "w") as f:
        f.write("func.func @linear(%%x: %s) -> %s {\n" % (t(m, k), t(m, n)))
        f.write("  %z = arith.constant 0.0 : f32\n")
        f.write("  %%w = arith.constant dense_resource<w> : %s\n" % wt)
        f.write("  %%e = tensor.empty() : %s\n" % t(m, n))
        f.write("  %%i = linalg.fill ins(%%z : f32) outs(%%e : %s) -> %s\n" % (t(m, n), t(m, n)))
        f.write("  %%y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, "
                "affine_map<(m, n, k) -> %s>, affine_map<(m, n, k) -> (m, n)>] "
                "ins(%%x, %%w : %s, %s) outs(%%i : %s) -> %s loc(\"fc\")\n"
                % ("(k, n)" if kn else "(n, k)", t(m, k), wt, t(m, n), t(m, n)))
        f.write("  return %%y : %s\n}\n{-#\n  dialect_resources: { builtin: {\n" % t(m, n))
        f.write("    w: \"0x04000000")
        f.write(data.hex().upper())
        f.write("\"\n  } }\n#-}\n")


def weight_bytes(scheme, n, k):
    """Bytes of weights and their scales/zero points read per call."""
    if scheme in ("f32", "f32-kn", "torch-f32"):
        return 4 * n * k
    if scheme == "torch-bf16":
        return 2 * n * k
    if scheme == "torch-int8-dynamic":
        return n * k + 4 * n
    if scheme in ("w8a16", "w8a8-dynamic", "w8a8-dynamic-pairs", "fp8"):
        return n * k + 4 * n
    if scheme in ("w4a16-g128", "w4a8-dynamic-g128"):
        return n * k // 2 + 4 * n * (k // 128)
    if scheme == "w4a16-nf4-g64":
        return n * k // 2 + 4 * n * (k // 64)
    raise ValueError(scheme)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def time_model(model, x, iters, warmup, options=None):
    cmd = [os.path.join(BIN, "quant-run"), model, "-e", "linear", "-i", x,
           "--iterations", str(iters), "--warmup", str(warmup)]
    if options:
        cmd.append("--pipeline-options=" + options)
    out = run(cmd).stderr
    mt = re.search(r"median ([0-9.]+) ms", out)
    if not mt:
        raise RuntimeError("no timing in: " + out)
    return float(mt.group(1)) / 1e3


def stream(tmp):
    exe = os.path.join(tmp, "stream")
    run([CLANG, "-O3", "-march=native", "-fopenmp", "-L" + OMP_LIB_DIR,
         "-Wl,-rpath," + OMP_LIB_DIR, os.path.join(ROOT, "bench", "stream.c"), "-o", exe])
    res = {}
    for line in run([exe]).stdout.splitlines():
        key, val = line.split()
        res[key] = float(val)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small shapes, few calls")
    ap.add_argument("--json", help="also write the rows as JSON here")
    ap.add_argument("--reference-max-flops", type=float, default=2.0e9,
                    help="run the reference lowering only below this many flops per call")
    ap.add_argument("--rounds", type=int, default=3,
                    help="time every scheme this many times, interleaved; report the "
                         "median of the per-round medians (shared machines are noisy)")
    ap.add_argument("--shapes", help="only these shapes, e.g. 1x4096x4096,8x4096x4096")
    ap.add_argument("--schemes", help="only these schemes (f32 is always run: the baseline), "
                    "e.g. f32-kn,w4a16-g128; all: " + ",".join(n for n, _ in SCHEMES) +
                    "; PyTorch peers: " + ",".join(TORCH_SCHEMES) +
                    " (in the default set when python3-torch is installed, except with --quick)")
    a = ap.parse_args()
    peers = [(name, None) for name in TORCH_SCHEMES]
    schemes = SCHEMES + (peers if not a.quick and have_torch() else [])
    if a.schemes:
        wanted = set(a.schemes.split(",")) | {"f32"}
        unknown = wanted - {n for n, _ in SCHEMES + peers}
        if unknown:
            ap.error("unknown scheme(s): " + ",".join(sorted(unknown)))
        schemes = [s for s in SCHEMES + peers if s[0] in wanted]
    shapes = QUICK_SHAPES if a.quick else FULL_SHAPES
    if a.shapes:
        shapes = [tuple(int(d) for d in t.split("x")) for t in a.shapes.split(",")]
    rounds = 1 if a.quick else a.rounds
    rng = random.Random(7)
    block = struct.pack("<%df" % (1 << 16), *[rng.gauss(0, 0.02) for _ in range(1 << 16)])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        bw = stream(tmp)
        print("STREAM (threads %d): read %.2f GB/s, copy %.2f GB/s, triad %.2f GB/s"
              % (bw["threads"], bw["read"], bw["copy"], bw["triad"]), flush=True)
        for (m, n, k) in shapes:
            f32 = os.path.join(tmp, "f32.mlir")
            write_model(f32, m, n, k, block)
            x = os.path.join(tmp, "x.npy")
            write_npy(x, m, k, rng)
            flops = 2.0 * m * n * k
            iters = 3 if a.quick else (20 if flops < 1e9 else 5 if flops < 1e10 else 2)
            # Static FP8 needs activation statistics: calibrate on x itself.
            stats = os.path.join(tmp, "stats.json")
            observed = os.path.join(tmp, "observed.mlir")
            run([os.path.join(BIN, "quant-opt"), f32, "--quantx-insert-fake-quant=scheme=fp8",
                 "-o", observed])
            run([os.path.join(BIN, "quant-calibrate"), observed, "-e", "linear", "-i", x,
                 "-o", stats])
            f32kn = os.path.join(tmp, "f32-kn.mlir")
            write_model(f32kn, m, n, k, block, kn=True)
            models = {}
            for name, opts in schemes:
                if name in TORCH_SCHEMES:
                    continue
                model = f32kn if name == "f32-kn" else f32
                if opts:
                    model = os.path.join(tmp, name + ".mlir")
                    run([os.path.join(BIN, "quant-opt"), f32,
                         "--quantx-ptq=" + opts.format(stats=stats), "-o", model])
                models[name] = model
            # Rounds over all schemes, so a slow spell of the machine hits
            # every scheme alike; the median of the rounds' medians is kept.
            times = {name: [] for name, _ in schemes}
            refs = {name: [] for name, _ in schemes}
            for _ in range(rounds):
                for name, _ in schemes:
                    if name in TORCH_SCHEMES:
                        times[name].append(time_torch(TORCH_SCHEMES[name], m, n, k, iters, 2))
                        continue
                    times[name].append(time_model(models[name], x, iters, 2,
                                                  RUN_OPTIONS.get(name)))
                    if flops <= a.reference_max_flops and len(refs[name]) < 1:
                        refs[name].append(time_model(models[name], x, max(1, iters // 4), 1,
                                                     "kernels=false"))
            median = lambda v: sorted(v)[len(v) // 2]
            base = median(times["f32"])
            for name, _ in schemes:
                t = median(times[name])
                ref = refs[name][0] if refs[name] else None
                read = weight_bytes(name, n, k) + 4 * m * k
                row = dict(m=m, n=n, k=k, scheme=name, ms=t * 1e3, gbs=read / t / 1e9,
                           gflops=flops / t / 1e9, vs_f32=base / t,
                           vs_reference=(ref / t) if ref else None,
                           rounds_ms=[v * 1e3 for v in times[name]])
                rows.append(row)
                print("  %-14s M=%-4d N=%-6d K=%-6d %9.3f ms %7.2f GB/s %8.2f GFLOP/s  x%.2f vs f32%s"
                      % (name, m, n, k, row["ms"], row["gbs"], row["gflops"], row["vs_f32"],
                         ("  x%.1f vs reference" % row["vs_reference"]) if ref else ""),
                      flush=True)
    gemv = [r for r in rows if r["scheme"] == "f32" and r["m"] == 1]
    largest = max(gemv, key=lambda r: r["n"] * r["k"], default=None)
    peak = max(bw["read"], bw["copy"], bw["triad"], largest["gbs"] if largest else 0)
    print()
    print("Measured bandwidth: %.2f GB/s (best of STREAM read/copy/triad and the f32 "
          "matrix-vector kernel); times: median of %d rounds of median-of-N calls"
          % (peak, rounds))
    print()
    print("| M | N | K | scheme | median ms | GB/s read | % of bandwidth | GFLOP/s | vs f32 kernel | vs reference lowering |")
    print("| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print("| %d | %d | %d | %s | %.3f | %.2f | %.0f%% | %.2f | %.2fx | %s |"
              % (r["m"], r["n"], r["k"], r["scheme"], r["ms"], r["gbs"], 100 * r["gbs"] / peak,
                 r["gflops"], r["vs_f32"],
                 ("%.1fx" % r["vs_reference"]) if r["vs_reference"] else "not run"))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(dict(bandwidth=bw, peak_gbs=peak, rows=rows), f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
