#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Compile time of deep models, with and without shared functions per op.

  python3 bench/compile_time.py                       # 30..240 layers
  python3 bench/compile_time.py --layers 60 --schemes w8a8-dynamic

For each depth it writes a chain of `--layers` linear layers (dim x dim,
f32, one input row), quantizes it with `quant-opt --quantx-ptq` for each
scheme (the dynamic schemes quantize the activations at run time: a
reduction, a scale and a quantize per layer, plus the integer matmul's
epilogue), and runs it once with `quant-run` (the JIT compiles the model,
LLVM -O2, then calls it) with the CPU pipeline's default
(`outline-min-ops=32`: each linalg op of a large function becomes a call to
a function shared by the identical ops) and with `outline-min-ops=-1` (every
op inlined into the model function). It prints the wall time of each run
and checks that both give the same results.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(os.environ.get("BUILD_DIR", os.path.join(ROOT, "build")), "bin")


def write_chain(path, layers, dim):
    with open(path, "w") as f:
        f.write(f"func.func @chain(%x0: tensor<1x{dim}xf32>) -> tensor<1x{dim}xf32> {{\n")
        f.write("  %z = arith.constant 0.0 : f32\n")
        for i in range(layers):
            # Distinct weights per layer (a splat each: the quantizer does
            # not care, and the file stays small).
            f.write(f"  %w{i} = arith.constant dense<{0.01 * (i % 7 + 1):.2f}> : tensor<{dim}x{dim}xf32>\n")
            f.write(f"  %e{i} = tensor.empty() : tensor<1x{dim}xf32>\n")
            f.write(f"  %f{i} = linalg.fill ins(%z : f32) outs(%e{i} : tensor<1x{dim}xf32>) -> tensor<1x{dim}xf32>\n")
            f.write(f"  %x{i + 1} = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, "
                    "affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] "
                    f"ins(%x{i}, %w{i} : tensor<1x{dim}xf32>, tensor<{dim}x{dim}xf32>) "
                    f"outs(%f{i} : tensor<1x{dim}xf32>) -> tensor<1x{dim}xf32>\n")
        f.write(f"  return %x{layers} : tensor<1x{dim}xf32>\n}}\n")


def write_input(path, dim):
    # A .npy file of one f32 row, written without numpy.
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, %d), }" % dim
    header += " " * (63 - len(header) % 64) + "\n"
    import struct
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        for i in range(dim):
            f.write(struct.pack("<f", ((i * 37) % 17 - 8) / 8.0))


def run(cmd):
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"compile_time.py: {' '.join(cmd)} failed:\n{proc.stderr}")
    return elapsed, proc.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", default="30,60,120,240", help="comma-separated depths")
    parser.add_argument("--schemes", default="w8a8-dynamic,w4a8-dynamic", help="comma-separated --quantx-ptq schemes")
    parser.add_argument("--dim", type=int, default=256, help="width of the layers (default 256)")
    args = parser.parse_args()
    layers = [int(n) for n in args.layers.split(",")]
    schemes = args.schemes.split(",")
    print("| scheme | layers | shared functions (default) s | all inline (outline-min-ops=-1) s | speed-up |")
    print("| --- | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        x = os.path.join(tmp, "x.npy")
        write_input(x, args.dim)
        for scheme in schemes:
            for n in layers:
                src = os.path.join(tmp, f"chain{n}.mlir")
                write_chain(src, n, args.dim)
                model = os.path.join(tmp, f"chain{n}.{scheme}.mlir")
                options = f"scheme={scheme}" + (" group-size=128" if "w4" in scheme else "")
                run([os.path.join(BIN, "quant-opt"), src, f"--quantx-ptq={options}", "-o", model])
                times, outputs = [], []
                for extra in ([], ["--pipeline-options=outline-min-ops=-1"]):
                    t, out = run([os.path.join(BIN, "quant-run"), model, "-i", x, "--warmup", "0",
                                  "--print-results"] + extra)
                    times.append(t)
                    outputs.append([l for l in out.splitlines() if "ms" not in l])
                if outputs[0] != outputs[1]:
                    sys.exit(f"compile_time.py: {scheme}, {n} layers: different results with and "
                             "without shared functions")
                print(f"| {scheme} | {n} | {times[0]:.2f} | {times[1]:.2f} | {times[1] / times[0]:.1f}x |",
                      flush=True)


if __name__ == "__main__":
    main()
